using System.Collections.ObjectModel;
using System.Text.Json;

namespace Todo.Lambda;

/// <summary>
/// What Lambda, and the front door that invoked it, said about the invocation behind the current request:
/// <c>HttpContext.Features.Get&lt;ILambdaInvocationFeature&gt;()</c>. It is null wherever the adapter does not serve
/// the request (Kestrel, the test server), so an application that uses it keeps working off Lambda.
/// </summary>
/// <remarks>
/// <para>
/// The values have three sources. The function's name, version and memory size are Lambda's reserved environment
/// variables, fixed for the process. The request id, deadline and trace id come with each invocation from the Runtime
/// API; the class-library handler (<see cref="LambdaFunction"/>) is told none of them. The request context, and the
/// authorizer inside it, are the event's own: what API Gateway or the load balancer put there.
/// </para>
/// <para>
/// There are two request ids. <see cref="RequestId"/> is Lambda's: it names the invocation in the function's logs
/// (the <c>AwsRequestId</c> log scope). API Gateway's is <c>requestContext.requestId</c>, which the application already
/// has as <c>HttpContext.TraceIdentifier</c>.
/// </para>
/// <para>
/// The authorizer data is only as trustworthy as the path the event took. API Gateway fills it in after its
/// authorizer accepted the request, but anyone allowed to invoke the function directly (<c>lambda:InvokeFunction</c>)
/// can send an event with any authorizer and claims they like. The adapter does not check it or act on it; an
/// application that bases access decisions on it should make sure, through the function's resource policy, that only
/// API Gateway can invoke the function.
/// </para>
/// </remarks>
public interface ILambdaInvocationFeature
{
    /// <summary>
    /// Lambda's request id for this invocation (<c>Lambda-Runtime-Aws-Request-Id</c>); null under the class-library
    /// handler. The local invoke command makes one up.
    /// </summary>
    string? RequestId { get; }

    /// <summary>The function's name (<c>AWS_LAMBDA_FUNCTION_NAME</c>); null when the variable is not set.</summary>
    string? FunctionName { get; }

    /// <summary>The version being run (<c>AWS_LAMBDA_FUNCTION_VERSION</c>): <c>$LATEST</c> or a published version number.</summary>
    string? FunctionVersion { get; }

    /// <summary>The memory the function was given, in megabytes (<c>AWS_LAMBDA_FUNCTION_MEMORY_SIZE</c>).</summary>
    int? MemorySizeMegabytes { get; }

    /// <summary>
    /// When Lambda stops the invocation (<c>Lambda-Runtime-Deadline-Ms</c>); null when unknown. Under the class-library
    /// handler it is the start of the invocation plus <see cref="LambdaHostingOptions.FunctionTimeoutSeconds"/>, if set.
    /// </summary>
    DateTimeOffset? Deadline { get; }

    /// <summary>
    /// The time left until <see cref="Deadline"/>, by the application's <see cref="TimeProvider"/>, never negative;
    /// null without a deadline. It shrinks as the request runs: read it when deciding, for example to bound a call to
    /// another service. The adapter aborts the request (<c>HttpContext.RequestAborted</c>) half a second before the
    /// deadline, so that a response still gets out.
    /// </summary>
    TimeSpan? RemainingTime { get; }

    /// <summary>
    /// The X-Ray trace header of the invocation (<c>Lambda-Runtime-Trace-Id</c>, <c>Root=…;Parent=…;Sampled=…</c>);
    /// null under the class-library handler.
    /// </summary>
    string? TraceId { get; }

    /// <summary>The shape of the event: never <see cref="LambdaEventFormat.Auto"/>.</summary>
    LambdaEventFormat EventFormat { get; }

    /// <summary>
    /// The event's <c>requestContext</c> object as it came, to read what the adapter does not translate (API Gateway's
    /// <c>stage</c>, <c>apiId</c>, <c>identity</c>, <c>domainName</c>; ALB's <c>elb.targetGroupArn</c>). It is a copy,
    /// valid after the request too. <c>default</c> (<see cref="JsonValueKind.Undefined"/>) when the event has none.
    /// </summary>
    JsonElement RequestContext { get; }

    /// <summary>
    /// The event's <c>requestContext.authorizer</c> object: what API Gateway passed on from the route's authorizer;
    /// <c>default</c> (<see cref="JsonValueKind.Undefined"/>) when there is none (no authorizer, ALB).
    /// </summary>
    /// <remarks>
    /// REST APIs: a Cognito user-pool authorizer gives the token's claims under <c>claims</c>; a Lambda authorizer gives
    /// its <c>principalId</c> and the entries of its <c>context</c>, as strings, next to API Gateway's own
    /// <c>integrationLatency</c>. HTTP APIs: a JWT authorizer gives <c>jwt</c> (<c>claims</c>, <c>scopes</c>), a Lambda
    /// authorizer <c>lambda</c> (its <c>context</c>), IAM authorization <c>iam</c>.
    /// </remarks>
    JsonElement Authorizer { get; }

    /// <summary>
    /// The authorizer's claims, name to value (names compared ordinally, as JWT claim names are); empty without an
    /// authorizer. They are REST's <c>claims</c> or, for a REST Lambda authorizer, its <c>principalId</c> and context
    /// entries (without <c>integrationLatency</c>, which is API Gateway's timing, not the authorizer's word); HTTP API's
    /// <c>jwt.claims</c> or <c>lambda</c> entries.
    /// </summary>
    /// <remarks>
    /// A string value is given as it is; any other value (number, boolean, array, object) as its JSON text as the event
    /// has it, such as <c>1</c>, <c>true</c> or <c>["admin", "editors"]</c>, so nothing is lost and it can be parsed
    /// again; a null entry is left out. Only an HTTP API Lambda authorizer's context keeps JSON types: API Gateway
    /// turns REST context values and JWT claims into strings, writing an array claim its own way
    /// (<c>"[admin editors]"</c>), and the value is kept as it wrote it. The same caution as for
    /// <see cref="Authorizer"/> applies: the adapter hands these on, it does not vouch for them.
    /// </remarks>
    IReadOnlyDictionary<string, string> AuthorizerClaims { get; }
}

/// <summary>The feature of one invocation, made by the invoker from the event; the claims are worked out when first asked for.</summary>
internal sealed class LambdaInvocationFeature : ILambdaInvocationFeature
{
    // API Gateway's measurement of a REST Lambda authorizer, added next to the authorizer's output.
    private const string IntegrationLatencyMember = "integrationLatency";

    private readonly TimeProvider _timeProvider;
    private IReadOnlyDictionary<string, string>? _claims;

    public LambdaInvocationFeature(
        LambdaInvocation invocation, LambdaFunctionVariables function, LambdaEventFormat eventFormat, JsonElement proxyEvent, TimeProvider timeProvider)
    {
        RequestId = invocation.RequestId;
        Deadline = invocation.Deadline;
        TraceId = invocation.TraceId;
        FunctionName = function.FunctionName;
        FunctionVersion = function.FunctionVersion;
        MemorySizeMegabytes = function.MemorySizeMegabytes;
        EventFormat = eventFormat;
        _timeProvider = timeProvider;

        // A copy of just this part: the event's document is disposed when the invocation ends, the application may
        // hold on to the feature longer.
        RequestContext = ProxyEventJson.Object(proxyEvent, "requestContext")?.Clone() ?? default;
        Authorizer = ObjectMember(RequestContext, "authorizer");
    }

    public string? RequestId { get; }

    public string? FunctionName { get; }

    public string? FunctionVersion { get; }

    public int? MemorySizeMegabytes { get; }

    public DateTimeOffset? Deadline { get; }

    public TimeSpan? RemainingTime => Deadline is { } deadline ? Positive(deadline - _timeProvider.GetUtcNow()) : null;

    public string? TraceId { get; }

    public LambdaEventFormat EventFormat { get; }

    public JsonElement RequestContext { get; }

    public JsonElement Authorizer { get; }

    // Read from two threads at once, both would build the same dictionary; either may win.
    public IReadOnlyDictionary<string, string> AuthorizerClaims => _claims ??= ReadClaims(EventFormat, Authorizer);

    private static ReadOnlyDictionary<string, string> ReadClaims(LambdaEventFormat format, JsonElement authorizer)
    {
        if (authorizer.ValueKind != JsonValueKind.Object)
        {
            return ReadOnlyDictionary<string, string>.Empty;
        }

        var claims = new Dictionary<string, string>(StringComparer.Ordinal);
        if (format == LambdaEventFormat.ApiGatewayHttp)
        {
            var jwtClaims = ObjectMember(ObjectMember(authorizer, "jwt"), "claims");
            AddEntries(claims, jwtClaims.ValueKind == JsonValueKind.Object ? jwtClaims : ObjectMember(authorizer, "lambda"), except: null);
        }
        else if (ObjectMember(authorizer, "claims") is { ValueKind: JsonValueKind.Object } cognitoClaims)
        {
            // Payload 1.0 with a Cognito user pool (REST), or a JWT authorizer (HTTP APIs sending 1.0).
            AddEntries(claims, cognitoClaims, except: null);
        }
        else
        {
            // A REST Lambda authorizer: its principalId and context entries are the authorizer object itself.
            AddEntries(claims, authorizer, except: IntegrationLatencyMember);
        }

        return claims.Count == 0 ? ReadOnlyDictionary<string, string>.Empty : claims.AsReadOnly();
    }

    private static void AddEntries(Dictionary<string, string> claims, JsonElement source, string? except)
    {
        if (source.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var entry in source.EnumerateObject())
        {
            if ((except is not null && entry.NameEquals(except)) || entry.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            claims[entry.Name] = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString()! : entry.Value.GetRawText();
        }
    }

    private static TimeSpan Positive(TimeSpan span) => span > TimeSpan.Zero ? span : TimeSpan.Zero;

    /// <summary>The member when it is an object, else <c>default</c>: reading claims never fails the request.</summary>
    private static JsonElement ObjectMember(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? value
            : default;
}

/// <summary>What Lambda says about one invocation besides its payload; each part is unknown under the managed runtime.</summary>
internal sealed record LambdaInvocation(string? RequestId, DateTimeOffset? Deadline, string? TraceId);
