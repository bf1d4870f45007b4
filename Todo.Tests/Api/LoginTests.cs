using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Todo.Tests.Support;

namespace Todo.Tests.Api;

public abstract class LoginTests(TodoApplication app)
{
    [DatabaseFact]
    public async Task Login_returns_200_with_a_bearer_token_for_900_seconds_and_a_refresh_token_for_30_days()
    {
        var email = TodoApplication.NewEmail();
        await app.SignUpAsync(email);

        using var response = await app.PostLoginAsync(email, TodoApplication.DefaultPassword);

        var body = await Json.ReadAsync(response, HttpStatusCode.OK);
        Assert.Equal(["accessToken", "expiresIn", "refreshExpiresIn", "refreshToken", "tokenType"], Json.PropertyNames(body));
        Assert.Equal("Bearer", body.GetProperty("tokenType").GetString());
        Assert.Equal(900, body.GetProperty("expiresIn").GetInt32());
        Assert.InRange(body.GetProperty("refreshExpiresIn").GetInt32(), (30 * 86400) - 5, 30 * 86400);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("accessToken").GetString()));
        Assert.True(response.Headers.CacheControl?.NoStore, "a response carrying a token must say Cache-Control: no-store");
    }

    [DatabaseFact]
    public async Task Login_token_is_an_hs256_jwt_with_sub_email_sid_iss_aud_iat_exp_and_jti()
    {
        var email = TodoApplication.NewEmail();
        var id = await app.SignUpAsync(email);
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var token = new JsonWebToken(await app.LogInAsync(email));

        Assert.Equal("HS256", token.Alg);
        Assert.Equal(id.ToString(CultureInfo.InvariantCulture), token.GetClaim(JwtRegisteredClaimNames.Sub).Value);
        Assert.Equal(email, token.GetClaim(JwtRegisteredClaimNames.Email).Value);
        Assert.Equal(TodoApplication.Issuer, token.Issuer);
        Assert.Equal([TodoApplication.Audience], token.Audiences);
        var issuedAt = long.Parse(token.GetClaim(JwtRegisteredClaimNames.Iat).Value, CultureInfo.InvariantCulture);
        var expires = long.Parse(token.GetClaim(JwtRegisteredClaimNames.Exp).Value, CultureInfo.InvariantCulture);
        Assert.InRange(issuedAt, before - 1, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.Equal(900, expires - issuedAt);
        Assert.True(Guid.TryParseExact(token.GetClaim(JwtRegisteredClaimNames.Sid).Value, "D", out _));
        Assert.False(string.IsNullOrWhiteSpace(token.Id));
    }

    [DatabaseFact]
    public async Task Login_tokens_get_a_fresh_jti_each_time()
    {
        var email = TodoApplication.NewEmail();
        await app.SignUpAsync(email);

        var first = new JsonWebToken(await app.LogInAsync(email));
        var second = new JsonWebToken(await app.LogInAsync(email));

        Assert.NotEqual(first.Id, second.Id);
    }

    [DatabaseFact]
    public async Task Login_ignores_the_case_and_surrounding_spaces_of_the_email()
    {
        var email = TodoApplication.NewEmail("Case");
        var id = await app.SignUpAsync(email);

        using var response = await app.PostLoginAsync($"  {email.ToUpperInvariant()} ", TodoApplication.DefaultPassword);

        var body = await Json.ReadAsync(response, HttpStatusCode.OK);
        var token = new JsonWebToken(body.GetProperty("accessToken").GetString());
        Assert.Equal(id.ToString(CultureInfo.InvariantCulture), token.Subject);
    }

    [DatabaseTheory]
    [InlineData("{}", new[] { "email", "password" })]
    [InlineData("""{"email":"nobody@example.com"}""", new[] { "password" })]
    [InlineData("""{"password":"whatever-password"}""", new[] { "email" })]
    [InlineData("""{"email":"not-an-email","password":"whatever-password"}""", new[] { "email" })]
    [InlineData("""{"email":"nobody@example.com","password":""}""", new[] { "password" })]
    public async Task Login_with_missing_or_malformed_fields_is_400_keyed_by_field(string json, string[] fields)
    {
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/auth/login", Json.Raw(json));

        await Problems.AssertValidationProblemAsync(response, fields);
    }

    [DatabaseFact]
    public async Task Login_with_a_wrong_password_and_with_an_unknown_email_give_the_same_401()
    {
        var email = TodoApplication.NewEmail();
        await app.SignUpAsync(email);

        using var wrongPassword = await app.PostLoginAsync(email, "not the password");
        using var unknownEmail = await app.PostLoginAsync(TodoApplication.NewEmail("nobody"), "not the password");

        var wrong = await Problems.AssertProblemAsync(wrongPassword, HttpStatusCode.Unauthorized);
        var unknown = await Problems.AssertProblemAsync(unknownEmail, HttpStatusCode.Unauthorized);
        Assert.Equal(Json.PropertyNames(wrong), Json.PropertyNames(unknown));
        foreach (var field in new[] { "type", "title", "status", "detail" })
        {
            Assert.Equal(Field(wrong, field), Field(unknown, field));
        }

        Assert.Equal(wrongPassword.Headers.WwwAuthenticate.ToString(), unknownEmail.Headers.WwwAuthenticate.ToString());
    }

    [DatabaseFact]
    public async Task A_valid_token_sent_along_does_not_change_the_401_of_a_wrong_login_or_an_unknown_refresh_token()
    {
        using var user = await app.CreateUserAsync();
        using var anonymous = app.CreateClient();
        var wrongLogin = $$"""{"email":"{{user.Email}}","password":"not the password"}""";
        const string unknownRefresh = """{"refreshToken":"not a refresh token we issued"}""";

        foreach (var (path, body) in new[] { ("/auth/login", wrongLogin), ("/auth/refresh", unknownRefresh) })
        {
            using var withToken = await user.Client.PostAsync(path, Json.Raw(body));
            using var withoutToken = await anonymous.PostAsync(path, Json.Raw(body));

            var sent = await Problems.AssertProblemAsync(withToken, HttpStatusCode.Unauthorized);
            var plain = await Problems.AssertProblemAsync(withoutToken, HttpStatusCode.Unauthorized);
            Assert.Equal(plain.GetProperty("title").GetString(), sent.GetProperty("title").GetString());
            // Neither route takes a bearer token, so neither names the Bearer scheme, token or not.
            Assert.Empty(withToken.Headers.WwwAuthenticate);
            Assert.Empty(withoutToken.Headers.WwwAuthenticate);
        }
    }

    [DatabaseFact]
    public async Task Login_takes_about_the_same_time_for_an_unknown_email_as_for_a_wrong_password()
    {
        var email = TodoApplication.NewEmail();
        await app.SignUpAsync(email);
        await TimeLoginAsync(TodoApplication.NewEmail("warm-up"));

        var wrongPassword = new List<double>();
        var unknownEmail = new List<double>();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            wrongPassword.Add(await TimeLoginAsync(email));
            unknownEmail.Add(await TimeLoginAsync(TodoApplication.NewEmail("nobody")));
        }

        var wrongMedian = Median(wrongPassword);
        var unknownMedian = Median(unknownEmail);
        Assert.True(wrongMedian > 20 && unknownMedian > 20, $"BCrypt should run in both: {wrongMedian:F0} ms vs {unknownMedian:F0} ms");
        Assert.InRange(unknownMedian / wrongMedian, 1 / 3.0, 3.0);
    }

    [DatabaseFact]
    public async Task Login_does_not_accept_a_password_that_shares_only_the_first_72_bytes()
    {
        var email = TodoApplication.NewEmail();
        var prefix = new string('a', 72);
        await app.SignUpAsync(email, prefix + "X");

        using var other = await app.PostLoginAsync(email, prefix + "Y");
        using var prefixOnly = await app.PostLoginAsync(email, prefix);
        using var right = await app.PostLoginAsync(email, prefix + "X");

        await Problems.AssertProblemAsync(other, HttpStatusCode.Unauthorized);
        await Problems.AssertProblemAsync(prefixOnly, HttpStatusCode.Unauthorized);
        await Json.ReadAsync(right, HttpStatusCode.OK);
    }

    [DatabaseFact]
    public async Task Login_does_not_accept_a_multibyte_password_that_shares_only_the_first_72_bytes()
    {
        var email = TodoApplication.NewEmail();
        var prefix = new string('é', 36); // 72 bytes of UTF-8
        await app.SignUpAsync(email, prefix + "X");

        using var other = await app.PostLoginAsync(email, prefix + "Y");
        using var right = await app.PostLoginAsync(email, prefix + "X");

        await Problems.AssertProblemAsync(other, HttpStatusCode.Unauthorized);
        await Json.ReadAsync(right, HttpStatusCode.OK);
    }

    [DatabaseFact]
    public async Task Login_keeps_spaces_in_the_password_as_typed()
    {
        var email = TodoApplication.NewEmail();
        await app.SignUpAsync(email, "  spaced password  ");

        using var trimmed = await app.PostLoginAsync(email, "spaced password");
        using var exact = await app.PostLoginAsync(email, "  spaced password  ");

        await Problems.AssertProblemAsync(trimmed, HttpStatusCode.Unauthorized);
        await Json.ReadAsync(exact, HttpStatusCode.OK);
    }

    [DatabaseFact]
    public async Task Me_returns_the_signed_in_user()
    {
        using var user = await app.CreateUserAsync();

        using var response = await user.Client.GetAsync("/auth/me");

        var body = await Json.ReadAsync(response, HttpStatusCode.OK);
        Assert.Equal(["email", "id"], Json.PropertyNames(body));
        Assert.Equal(user.Id, body.GetProperty("id").GetInt32());
        Assert.Equal(user.Email, body.GetProperty("email").GetString());
    }

    [DatabaseFact]
    public async Task Me_without_a_token_is_401()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/auth/me");

        await Problems.AssertUnauthorizedAsync(response);
    }

    private static string Field(JsonElement problem, string name) =>
        problem.TryGetProperty(name, out var value) ? value.GetRawText() : "<absent>";

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private async Task<double> TimeLoginAsync(string email)
    {
        var stopwatch = Stopwatch.StartNew();
        using var response = await app.PostLoginAsync(email, "not the password");
        stopwatch.Stop();
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        return stopwatch.Elapsed.TotalMilliseconds;
    }
}

public sealed class LoginTestsOnSqlite(SqliteApplication app) : LoginTests(app), IClassFixture<SqliteApplication>;

public sealed class LoginTestsOnPostgres(PostgresApplication app) : LoginTests(app), IClassFixture<PostgresApplication>, IRunsOnPostgres;
