using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Todo.Tests.Support;

namespace Todo.Tests.Api;

/// <summary>Every protected route refuses what is not a valid, unexpired token of ours for a live session.</summary>
public abstract class TokenTests(TodoApplication app)
{
    public static TheoryData<string, string> ProtectedRoutes => new()
    {
        { "GET", "/auth/me" },
        { "DELETE", "/auth/me" },
        { "PUT", "/auth/password" },
        { "POST", "/auth/logout" },
        { "POST", "/auth/logout-all" },
        { "GET", "/todos" },
        { "POST", "/todos" },
        { "GET", "/todos/1" },
        { "PUT", "/todos/1" },
        { "PATCH", "/todos/1" },
        { "DELETE", "/todos/1" },
    };

    [DatabaseTheory]
    [MemberData(nameof(ProtectedRoutes))]
    public async Task Every_protected_route_without_a_token_is_401_with_a_bearer_challenge(string method, string path)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = Json.Raw("""{"title":"t","completed":false}""");
        }

        using var response = await client.SendAsync(request);

        await Problems.AssertUnauthorizedAsync(response);
    }

    [DatabaseFact]
    public async Task A_token_minted_with_the_right_key_issuer_and_audience_is_accepted()
    {
        // The control for every rejection below: the minting itself is sound.
        var (id, session) = await SignInAsync();

        using var response = await SendMeAsync(TestTokens.Create(Subject(id), sessionId: session));

        await Json.ReadAsync(response, HttpStatusCode.OK);
    }

    [DatabaseFact]
    public async Task An_expired_token_is_401()
    {
        var (id, session) = await SignInAsync();
        var issued = DateTime.UtcNow.AddHours(-2);

        using var response = await SendMeAsync(TestTokens.Create(Subject(id), sessionId: session, issuedAt: issued, expires: issued.AddHours(1)));

        await Problems.AssertUnauthorizedAsync(response);
    }

    [DatabaseFact]
    public async Task A_token_without_an_expiry_is_401()
    {
        var (id, session) = await SignInAsync();

        using var response = await SendMeAsync(TestTokens.Create(Subject(id), sessionId: session, withExpiry: false));

        await Problems.AssertUnauthorizedAsync(response);
    }

    [DatabaseFact]
    public async Task A_token_whose_payload_was_tampered_with_is_401()
    {
        using var victim = await app.CreateUserAsync();
        using var attacker = await app.CreateUserAsync();
        var forged = TestTokens.TamperPayload(attacker.AccessToken, "sub", Subject(victim.Id));
        using var genuine = await SendMeAsync(attacker.AccessToken);
        await Json.ReadAsync(genuine, HttpStatusCode.OK);

        using var response = await SendMeAsync(forged);

        await Problems.AssertUnauthorizedAsync(response);
    }

    [DatabaseFact]
    public async Task A_token_with_a_tampered_signature_is_401()
    {
        using var user = await app.CreateUserAsync();
        var token = user.AccessToken;
        var last = token[^2] == 'A' ? 'B' : 'A';
        var tampered = string.Concat(token.AsSpan(0, token.Length - 2), last.ToString(), token[^1].ToString());
        using var genuine = await SendMeAsync(token);
        await Json.ReadAsync(genuine, HttpStatusCode.OK);

        using var response = await SendMeAsync(tampered);

        await Problems.AssertUnauthorizedAsync(response);
    }

    [DatabaseFact]
    public async Task A_token_signed_with_another_key_is_401()
    {
        var (id, session) = await SignInAsync();

        using var response = await SendMeAsync(TestTokens.Create(Subject(id), sessionId: session, key: "an-attackers-own-key-of-at-least-32-bytes!"));

        await Problems.AssertUnauthorizedAsync(response);
    }

    [DatabaseFact]
    public async Task A_token_with_alg_none_is_401()
    {
        var (id, session) = await SignInAsync();
        var unsigned = TestTokens.Create(Subject(id), sessionId: session, withSignature: false);
        Assert.Contains("\"alg\":\"none\"", Base64UrlEncoder.Decode(unsigned.Split('.')[0]), StringComparison.Ordinal);

        using var response = await SendMeAsync(unsigned);

        await Problems.AssertUnauthorizedAsync(response);
    }

    [DatabaseFact]
    public async Task A_token_signed_with_the_right_key_but_another_algorithm_is_401()
    {
        // Only HS256 is configured; a token must not choose its own algorithm.
        var (id, session) = await SignInAsync();
        var key = TodoApplication.SigningKey + TodoApplication.SigningKey; // HS512 wants 64 bytes

        using var response = await SendMeAsync(TestTokens.Create(Subject(id), sessionId: session, key: key, algorithm: SecurityAlgorithms.HmacSha512));

        await Problems.AssertUnauthorizedAsync(response);
    }

    [DatabaseFact]
    public async Task A_token_from_another_issuer_is_401()
    {
        var (id, session) = await SignInAsync();

        using var response = await SendMeAsync(TestTokens.Create(Subject(id), sessionId: session, issuer: "someone-else"));

        await Problems.AssertUnauthorizedAsync(response);
    }

    [DatabaseFact]
    public async Task A_token_for_another_audience_is_401()
    {
        var (id, session) = await SignInAsync();

        using var response = await SendMeAsync(TestTokens.Create(Subject(id), sessionId: session, audience: "another-api"));

        await Problems.AssertUnauthorizedAsync(response);
    }

    [DatabaseFact]
    public async Task A_token_with_a_crit_header_is_401()
    {
        var (id, session) = await SignInAsync();
        var headers = new Dictionary<string, object> { ["crit"] = new[] { "exp" } };

        using var response = await SendMeAsync(TestTokens.Create(Subject(id), sessionId: session, headers: headers));

        await Problems.AssertUnauthorizedAsync(response);
    }

    [DatabaseFact]
    public async Task A_well_signed_token_living_longer_than_the_configured_lifetime_is_401()
    {
        var (id, session) = await SignInAsync();
        var now = DateTime.UtcNow;

        using var tenYears = await SendMeAsync(TestTokens.Create(Subject(id), sessionId: session, issuedAt: now, expires: now.AddYears(10)));
        using var justOver = await SendMeAsync(TestTokens.Create(Subject(id), sessionId: session, issuedAt: now, expires: now.AddMinutes(16)));
        using var exactly = await SendMeAsync(TestTokens.Create(Subject(id), sessionId: session, issuedAt: now, expires: now.AddMinutes(15)));

        await Problems.AssertUnauthorizedAsync(tenYears);
        await Problems.AssertUnauthorizedAsync(justOver);
        await Json.ReadAsync(exactly, HttpStatusCode.OK);
    }

    [DatabaseFact]
    public async Task A_token_issued_in_the_future_beyond_the_clock_skew_is_401()
    {
        var (id, session) = await SignInAsync();
        var now = DateTime.UtcNow;

        using var response = await SendMeAsync(TestTokens.Create(Subject(id), sessionId: session, issuedAt: now.AddMinutes(5), notBefore: now, expires: now.AddMinutes(10)));

        await Problems.AssertUnauthorizedAsync(response);
    }

    [DatabaseTheory]
    [InlineData("expired 10 s ago")]
    [InlineData("valid from 10 s on")]
    [InlineData("issued 10 s from now")]
    [InlineData("living 15 min 10 s")]
    public async Task A_token_off_by_ten_seconds_is_401_the_clock_skew_is_five(string offBy)
    {
        var (id, session) = await SignInAsync();
        var now = DateTime.UtcNow;
        var token = offBy switch
        {
            "expired 10 s ago" => TestTokens.Create(Subject(id), sessionId: session, issuedAt: now.AddMinutes(-15), notBefore: now.AddMinutes(-15), expires: now.AddSeconds(-10)),
            "valid from 10 s on" => TestTokens.Create(Subject(id), sessionId: session, issuedAt: now, notBefore: now.AddSeconds(10), expires: now.AddMinutes(10)),
            "issued 10 s from now" => TestTokens.Create(Subject(id), sessionId: session, issuedAt: now.AddSeconds(10), notBefore: now, expires: now.AddMinutes(10)),
            _ => TestTokens.Create(Subject(id), sessionId: session, issuedAt: now, expires: now.AddMinutes(15).AddSeconds(10)),
        };

        using var response = await SendMeAsync(token);

        await Problems.AssertUnauthorizedAsync(response);
    }

    [DatabaseFact]
    public async Task A_token_without_an_issue_time_is_401()
    {
        var (id, session) = await SignInAsync();

        using var response = await SendMeAsync(TestTokens.Create(Subject(id), sessionId: session, withIssuedAt: false));

        await Problems.AssertUnauthorizedAsync(response);
    }

    [DatabaseTheory]
    [InlineData("0{0}")]
    [InlineData("+{0}")]
    [InlineData(" {0}")]
    [InlineData("{0}.0")]
    public async Task A_token_whose_subject_is_not_the_canonical_id_of_a_real_user_is_401(string format)
    {
        var (id, session) = await SignInAsync();

        using var response = await SendMeAsync(TestTokens.Create(string.Format(CultureInfo.InvariantCulture, format, id), sessionId: session));

        await Problems.AssertUnauthorizedAsync(response);
    }

    [DatabaseTheory]
    [InlineData("unchanged", HttpStatusCode.OK)] // the control: signing again changes nothing
    [InlineData("sub as a number", HttpStatusCode.OK)] // the canonical id all the same
    [InlineData("sub as a number with a fraction", HttpStatusCode.Unauthorized)]
    [InlineData("sub as true", HttpStatusCode.Unauthorized)]
    [InlineData("exp as a string", HttpStatusCode.Unauthorized)]
    [InlineData("iat as a string", HttpStatusCode.Unauthorized)]
    [InlineData("nbf as a string", HttpStatusCode.Unauthorized)]
    [InlineData("exp with a fraction", HttpStatusCode.OK)] // a NumericDate may have one (RFC 7519 §2)
    [InlineData("without jti", HttpStatusCode.OK)] // optional (RFC 7519 §4.1.7), and no 401 of the contract
    [InlineData("without email", HttpStatusCode.OK)]
    [InlineData("jti as a number", HttpStatusCode.Unauthorized)]
    [InlineData("email as an array", HttpStatusCode.Unauthorized)]
    [InlineData("jti twice", HttpStatusCode.Unauthorized)]
    [InlineData("without nbf", HttpStatusCode.OK)] // the contract does not name it
    [InlineData("sid in capitals", HttpStatusCode.Unauthorized)]
    [InlineData("typ at+jwt", HttpStatusCode.Unauthorized)]
    [InlineData("without typ", HttpStatusCode.OK)] // optional (RFC 7519 §5.1); libraries such as jose leave it out
    [InlineData("typ in lower case", HttpStatusCode.OK)]
    [InlineData("a claim nested 100 deep", HttpStatusCode.Unauthorized)] // deeper than a JSON reader goes by default
    public async Task A_well_signed_token_not_written_as_the_api_writes_its_tokens_is_401(string change, HttpStatusCode expected)
    {
        using var user = await app.CreateUserAsync();
        var token = TestTokens.Resign(user.AccessToken, (header, payload) =>
        {
            switch (change)
            {
                case "sub as a number": payload["sub"] = user.Id; break;
                case "sub as a number with a fraction": payload["sub"] = user.Id + 0.5; break;
                case "sub as true": payload["sub"] = true; break;
                case "exp as a string": payload["exp"] = payload["exp"]!.ToString(); break;
                case "iat as a string": payload["iat"] = payload["iat"]!.ToString(); break;
                case "nbf as a string": payload["nbf"] = payload["nbf"]!.ToString(); break;
                case "exp with a fraction": payload["exp"] = payload["exp"]!.GetValue<long>() - 0.5; break;
                case "without jti": payload.Remove("jti"); break;
                case "without email": payload.Remove("email"); break;
                case "without nbf": payload.Remove("nbf"); break;
                case "sid in capitals": payload["sid"] = payload["sid"]!.ToString().ToUpperInvariant(); break;
                case "typ at+jwt": header["typ"] = "at+jwt"; break;
                case "without typ": header.Remove("typ"); break;
                case "typ in lower case": header["typ"] = "jwt"; break;
                case "jti as a number": payload["jti"] = 7; break;
                case "email as an array": payload["email"] = new System.Text.Json.Nodes.JsonArray("someone@example.com"); break;
                case "a claim nested 100 deep": payload["deep"] = Nested(100); break;
            }
        },
        change == "jti twice" ? json => json.Replace("\"jti\":", "\"jti\":\"another\",\"jti\":", StringComparison.Ordinal) : null);

        using var response = await SendMeAsync(token);

        if (expected == HttpStatusCode.OK)
        {
            await Json.ReadAsync(response, HttpStatusCode.OK);
        }
        else
        {
            await Problems.AssertUnauthorizedAsync(response);
        }
    }

    [DatabaseTheory]
    [InlineData("999999999")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("not-a-number")]
    [InlineData(null)]
    public async Task A_well_signed_token_for_a_user_that_does_not_exist_is_401(string? subject)
    {
        using var response = await SendMeAsync(TestTokens.Create(subject));

        await Problems.AssertUnauthorizedAsync(response);
    }

    [DatabaseFact]
    public async Task A_well_signed_token_for_a_user_that_does_not_exist_cannot_create_todos()
    {
        using var client = app.CreateClientWithToken(TestTokens.Create("999999999"));

        using var response = await client.PostAsync("/todos", Json.Raw("""{"title":"ghost"}"""));

        await Problems.AssertUnauthorizedAsync(response);
    }

    [DatabaseTheory]
    [InlineData("Bearer", "not.a.jwt")]
    [InlineData("Bearer", "garbage")]
    [InlineData("Basic", "dXNlcjpwYXNz")]
    public async Task A_malformed_authorization_header_is_401(string scheme, string parameter)
    {
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, parameter);

        using var response = await client.GetAsync("/todos");

        await Problems.AssertUnauthorizedAsync(response);
    }

    [DatabaseFact]
    public async Task A_token_the_api_issued_works_on_the_todo_routes()
    {
        using var user = await app.CreateUserAsync();

        using var response = await user.Client.GetAsync("/todos");

        await Json.ReadAsync(response, HttpStatusCode.OK);
    }

    [DatabaseFact]
    public async Task A_well_signed_token_without_a_session_is_401()
    {
        var (id, _) = await SignInAsync();

        using var response = await SendMeAsync(TestTokens.Create(Subject(id)));

        await Problems.AssertUnauthorizedAsync(response);
    }

    [DatabaseTheory]
    [InlineData("6d1d4c1e-1111-4e5b-9c55-0f6b3f0e9a01")]
    [InlineData("not-a-session")]
    [InlineData("")]
    public async Task A_well_signed_token_naming_a_session_that_does_not_exist_is_401(string session)
    {
        var (id, _) = await SignInAsync();

        using var response = await SendMeAsync(TestTokens.Create(Subject(id), sessionId: session));

        await Problems.AssertUnauthorizedAsync(response);
    }

    [DatabaseFact]
    public async Task A_well_signed_token_naming_another_users_session_is_401()
    {
        var (victim, _) = await SignInAsync();
        var (_, attackersSession) = await SignInAsync();

        using var response = await SendMeAsync(TestTokens.Create(Subject(victim), sessionId: attackersSession));

        await Problems.AssertUnauthorizedAsync(response);
    }

    private static string Subject(int id) => id.ToString(CultureInfo.InvariantCulture);

    private static System.Text.Json.Nodes.JsonArray Nested(int depth)
    {
        var array = new System.Text.Json.Nodes.JsonArray();
        for (var level = 1; level < depth; level++)
        {
            array = [array];
        }

        return array;
    }

    /// <summary>A real user with a real session, whose ids a minted token can carry.</summary>
    private async Task<(int Id, string Session)> SignInAsync()
    {
        using var user = await app.CreateUserAsync();
        return (user.Id, new JsonWebToken(user.AccessToken).GetClaim("sid").Value);
    }

    private async Task<HttpResponseMessage> SendMeAsync(string token)
    {
        using var client = app.CreateClientWithToken(token);
        return await client.GetAsync("/auth/me");
    }
}

public sealed class TokenTestsOnSqlite(SqliteApplication app) : TokenTests(app), IClassFixture<SqliteApplication>;

public sealed class TokenTestsOnPostgres(PostgresApplication app) : TokenTests(app), IClassFixture<PostgresApplication>, IRunsOnPostgres;
