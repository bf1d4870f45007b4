using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Todo.Api.Auth;
using Todo.Domain.Users;
using Todo.Tests.Support;

namespace Todo.Tests.Unit;

public sealed class AccessTokenTests
{
    private const string Key = "unit-test-signing-key-long-enough-for-hs256-and-for-hs512-too-0123456789";
    private readonly JwtOptions _jwt = new() { SigningKey = Key, Issuer = "issuer", Audience = "audience" };
    private static readonly Guid SessionId = Guid.NewGuid();
    private readonly JsonWebTokenHandler _handler = new();

    [Fact]
    public async Task An_issued_token_carries_every_claim_and_validates()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var token = Issue(time, out var user);

        var result = await _handler.ValidateTokenAsync(token, ValidationParameters());

        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal("HS256", jwt.Alg);
        Assert.Equal("42", jwt.Subject);
        Assert.Equal(user.Email, jwt.GetClaim("email").Value);
        Assert.Equal("issuer", jwt.Issuer);
        Assert.Equal(["audience"], jwt.Audiences);
        Assert.False(string.IsNullOrEmpty(jwt.Id));
        Assert.Equal(time.GetUtcNow().ToUnixTimeSeconds(), long.Parse(jwt.GetClaim("iat").Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(SessionId.ToString("D"), jwt.GetClaim("sid").Value);
        Assert.Equal(900, (jwt.ValidTo - jwt.IssuedAt).TotalSeconds);
    }

    [Fact]
    public async Task Every_token_has_its_own_id()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var first = new JsonWebToken(Issue(time, out _));
        var second = new JsonWebToken(Issue(time, out _));

        Assert.NotEqual(first.Id, second.Id);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task A_token_past_its_lifetime_and_the_clock_skew_is_rejected()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-15) - JwtBearerConfigurator.ClockSkew - TimeSpan.FromSeconds(1));
        var token = Issue(time, out _);

        var result = await _handler.ValidateTokenAsync(token, ValidationParameters());

        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenExpiredException>(result.Exception);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_rejected()
    {
        var other = new AccessTokenIssuer(Options.Create(new JwtOptions { SigningKey = new string('x', 40), Issuer = "issuer", Audience = "audience" }), TimeProvider.System);

        var result = await _handler.ValidateTokenAsync(other.Issue(Alice(), SessionId), ValidationParameters());

        Assert.False(result.IsValid);
    }

    [Fact]
    public async Task An_unsigned_token_with_alg_none_is_rejected()
    {
        var header = Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = Base64UrlEncoder.Encode($"{{\"sub\":\"42\",\"iss\":\"issuer\",\"aud\":\"audience\",\"iat\":{now},\"exp\":{now + 600}}}");

        var result = await _handler.ValidateTokenAsync($"{header}.{payload}.", ValidationParameters());

        Assert.False(result.IsValid);
    }

    [Fact]
    public async Task A_token_signed_with_the_right_key_but_another_hmac_algorithm_is_rejected()
    {
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "issuer",
            Audience = "audience",
            Expires = DateTime.UtcNow.AddMinutes(5),
            Claims = new Dictionary<string, object> { ["sub"] = "42" },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Key)), SecurityAlgorithms.HmacSha512),
        });

        var result = await _handler.ValidateTokenAsync(token, ValidationParameters());

        Assert.False(result.IsValid);
    }

    [Theory]
    [InlineData(null, "Jwt:SigningKey is missing")]
    [InlineData("", "Jwt:SigningKey is missing")]
    [InlineData("only-31-bytes-long-signing-key!", "Jwt:SigningKey is too short")]
    public void A_missing_or_short_signing_key_fails_options_validation_naming_the_setting(string? key, string message)
    {
        var result = new JwtOptionsValidator().Validate(null, new JwtOptions { SigningKey = key });

        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_schemes_handler_accepts_tokens_it_has_seen_with_their_identity_even_past_what_it_remembers()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var (handler, parameters) = Scheme();

        // One more token than the handler remembers: past its capacity it forgets and validates in full again.
        var tokens = Enumerable.Range(0, RememberingJsonWebTokenHandler.Capacity + 1).Select(index => Issue(time, out _)).ToList();
        foreach (var token in tokens.Concat(tokens))
        {
            var result = await handler.ValidateTokenAsync(token, parameters);
            Assert.True(result.IsValid, result.Exception?.Message);
            Assert.Equal("42", result.ClaimsIdentity.FindFirst("sub")?.Value);
            Assert.Equal(SessionId.ToString("D"), result.ClaimsIdentity.FindFirst("sid")?.Value);
        }
    }

    [Fact]
    public async Task The_schemes_handler_refuses_a_token_it_accepted_once_the_token_expires()
    {
        // The library checks expiry on the system clock: a token of two seconds, and no clock skew, so that the
        // token is past its expiry soon after and only the handler's own forgetting can keep it accepted.
        _jwt.AccessTokenLifetime = TimeSpan.FromSeconds(2);
        var (handler, parameters) = Scheme();
        parameters.ClockSkew = TimeSpan.Zero;
        var token = Issue(TimeProvider.System, out _);
        var accepted = await handler.ValidateTokenAsync(token, parameters);
        Assert.True(accepted.IsValid, accepted.Exception?.Message);

        await Task.Delay(accepted.SecurityToken.ValidTo - DateTime.UtcNow + TimeSpan.FromMilliseconds(100));

        Assert.IsType<SecurityTokenExpiredException>((await handler.ValidateTokenAsync(token, parameters)).Exception);
    }

    [Fact]
    public void A_256_bit_signing_key_passes_options_validation()
    {
        Assert.True(new JwtOptionsValidator().Validate(null, new JwtOptions { SigningKey = new string('k', 32) }).Succeeded);
    }

    private static User Alice() => new("alice@example.com", "hash", DateTime.UtcNow);

    private string Issue(TimeProvider time, out User user)
    {
        user = Alice();
        typeof(User).GetProperty(nameof(User.Id))!.SetValue(user, 42);
        return new AccessTokenIssuer(Options.Create(_jwt), time).Issue(user, SessionId);
    }

    /// <summary>The bearer scheme's own token handler and parameters.</summary>
    private (TokenHandler Handler, TokenValidationParameters Parameters) Scheme()
    {
        var options = new JwtBearerOptions();
        new JwtBearerConfigurator(Options.Create(_jwt)).Configure(options);
        return (Assert.Single(options.TokenHandlers), options.TokenValidationParameters);
    }

    private TokenValidationParameters ValidationParameters()
    {
        var options = new JwtBearerOptions();
        new JwtBearerConfigurator(Options.Create(_jwt)).Configure(options);
        return options.TokenValidationParameters;
    }
}
