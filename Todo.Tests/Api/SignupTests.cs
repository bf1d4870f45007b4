using System.Net;
using Microsoft.EntityFrameworkCore;
using Todo.Tests.Support;

namespace Todo.Tests.Api;

public abstract class SignupTests(TodoApplication app)
{
    [DatabaseFact]
    public async Task Signup_returns_201_with_id_and_email_and_never_the_password()
    {
        var email = TodoApplication.NewEmail();

        using var response = await app.PostSignupAsync(email, TodoApplication.DefaultPassword);

        var body = await Json.ReadAsync(response, HttpStatusCode.Created);
        Assert.Equal(["email", "id"], Json.PropertyNames(body));
        Assert.True(body.GetProperty("id").GetInt32() > 0);
        Assert.Equal(email, body.GetProperty("email").GetString());
        Assert.DoesNotContain(TodoApplication.DefaultPassword, body.GetRawText(), StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task Signup_trims_the_email_and_the_account_logs_in_with_it()
    {
        var email = TodoApplication.NewEmail();

        using var response = await app.PostSignupAsync($"  {email}\t", TodoApplication.DefaultPassword);

        var body = await Json.ReadAsync(response, HttpStatusCode.Created);
        Assert.Equal(email, body.GetProperty("email").GetString());
        Assert.False(string.IsNullOrEmpty(await app.LogInAsync(email)));
    }

    [DatabaseFact]
    public async Task A_password_of_eight_spaces_is_a_password_and_logs_in_while_seven_are_too_few()
    {
        var email = TodoApplication.NewEmail();

        using var tooShort = await app.PostSignupAsync(email, "       ");
        using var created = await app.PostSignupAsync(email, "        ");
        using var wrong = await app.PostLoginAsync(email, "         ");

        await Problems.AssertValidationProblemAsync(tooShort, "password");
        await Json.ReadAsync(created, HttpStatusCode.Created);
        Assert.False(string.IsNullOrEmpty(await app.LogInAsync(email, "        ")));
        await Problems.AssertProblemAsync(wrong, HttpStatusCode.Unauthorized);
    }

    [DatabaseFact]
    public async Task Signups_get_distinct_ids()
    {
        var first = await app.SignUpAsync(TodoApplication.NewEmail());
        var second = await app.SignUpAsync(TodoApplication.NewEmail());

        Assert.NotEqual(first, second);
    }

    [DatabaseFact]
    public async Task Signup_with_an_email_already_registered_is_409()
    {
        var email = TodoApplication.NewEmail();
        await app.SignUpAsync(email);

        using var response = await app.PostSignupAsync(email, "another password 123");

        await Problems.AssertProblemAsync(response, HttpStatusCode.Conflict);
    }

    [DatabaseFact]
    public async Task Signup_with_an_email_already_registered_in_another_case_and_with_spaces_is_409()
    {
        var email = TodoApplication.NewEmail("Mixed.Case");
        await app.SignUpAsync(email);

        using var response = await app.PostSignupAsync($"  {email.ToUpperInvariant()}  ", "another password 123");

        await Problems.AssertProblemAsync(response, HttpStatusCode.Conflict);
    }

    [DatabaseTheory]
    [InlineData("not-an-email")]
    [InlineData("a@")]
    [InlineData("@example.com")]
    [InlineData("two words@example.com")]
    [InlineData("Alice <alice@example.com>")]
    [InlineData("alice@example..com")]
    [InlineData("alice@@example.com")]
    [InlineData("   ")]
    [InlineData("")]
    public async Task Signup_with_an_invalid_email_is_400_keyed_email(string email)
    {
        using var response = await app.PostSignupAsync(email, TodoApplication.DefaultPassword);

        await Problems.AssertValidationProblemAsync(response, "email");
    }

    [DatabaseFact]
    public async Task Signup_with_an_email_of_254_characters_is_201()
    {
        var email = EmailOfLength(254);

        using var response = await app.PostSignupAsync(email, TodoApplication.DefaultPassword);

        var body = await Json.ReadAsync(response, HttpStatusCode.Created);
        Assert.Equal(email, body.GetProperty("email").GetString());
    }

    [DatabaseFact]
    public async Task Signup_with_an_email_over_254_characters_is_400_keyed_email()
    {
        using var response = await app.PostSignupAsync(EmailOfLength(255), TodoApplication.DefaultPassword);

        await Problems.AssertValidationProblemAsync(response, "email");
    }

    [DatabaseTheory]
    [InlineData(7)]
    [InlineData(129)]
    [InlineData(0)]
    public async Task Signup_with_a_password_outside_8_to_128_characters_is_400_keyed_password(int length)
    {
        var password = new string('p', length);

        using var response = await app.PostSignupAsync(TodoApplication.NewEmail(), password);

        var problem = await Problems.AssertValidationProblemAsync(response, "password");
        if (length > 0)
        {
            Assert.DoesNotContain(password, problem.GetRawText(), StringComparison.Ordinal);
        }
    }

    [DatabaseTheory]
    [InlineData(8)]
    [InlineData(128)]
    public async Task Signup_with_a_password_of_8_or_128_characters_is_201(int length)
    {
        using var response = await app.PostSignupAsync(TodoApplication.NewEmail(), new string('p', length));

        await Json.ReadAsync(response, HttpStatusCode.Created);
    }

    [DatabaseFact]
    public async Task Signup_counts_password_characters_not_utf16_units()
    {
        // Eight emoji are eight characters (sixteen UTF-16 units); seven are too few.
        using var eight = await app.PostSignupAsync(TodoApplication.NewEmail(), string.Concat(Enumerable.Repeat("🔑", 8)));
        using var seven = await app.PostSignupAsync(TodoApplication.NewEmail(), string.Concat(Enumerable.Repeat("🔑", 7)));

        await Json.ReadAsync(eight, HttpStatusCode.Created);
        await Problems.AssertValidationProblemAsync(seven, "password");
    }

    [DatabaseTheory]
    [InlineData("{}", new[] { "email", "password" })]
    [InlineData("""{"email":null,"password":null}""", new[] { "email", "password" })]
    [InlineData("""{"password":"correct horse battery"}""", new[] { "email" })]
    [InlineData("""{"email":"missing.password@example.com"}""", new[] { "password" })]
    public async Task Signup_with_missing_fields_is_400_keyed_by_each_missing_field(string json, string[] fields)
    {
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/auth/signup", Json.Raw(json));

        await Problems.AssertValidationProblemAsync(response, fields);
    }

    [DatabaseFact]
    public async Task Signup_stores_a_bcrypt_hash_not_the_password()
    {
        var email = TodoApplication.NewEmail();
        await app.SignUpAsync(email);

        var hash = await app.QueryAsync(db => db.Users.Where(user => user.Email == email).Select(user => user.PasswordHash).SingleOrDefaultAsync());

        Assert.NotNull(hash);
        Assert.DoesNotContain(TodoApplication.DefaultPassword, hash, StringComparison.Ordinal);
        Assert.Matches(@"^\$2[abxy]?\$(1[1-9]|[2-3][0-9])\$", hash);
    }

    private static string EmailOfLength(int length)
    {
        // local part of 64, then dot-separated labels of up to 63 characters to make up the rest.
        var local = new string('l', 64);
        var domainLength = length - local.Length - 1;
        var labels = new List<string>();
        var remaining = domainLength - ".com".Length + 1; // every label brings its dot; the last dot is the one before "com"
        while (remaining > 0)
        {
            var label = Math.Min(63, remaining - 1);
            if (remaining - label - 1 == 1)
            {
                label--; // never leave a lone dot for the next label
            }

            labels.Add(new string((char)('a' + labels.Count), label));
            remaining -= label + 1;
        }

        var email = $"{local}@{string.Join('.', labels)}.com";
        Assert.Equal(length, email.Length);
        return email;
    }
}

public sealed class SignupTestsOnSqlite(SqliteApplication app) : SignupTests(app), IClassFixture<SqliteApplication>;

public sealed class SignupTestsOnPostgres(PostgresApplication app) : SignupTests(app), IClassFixture<PostgresApplication>, IRunsOnPostgres;
