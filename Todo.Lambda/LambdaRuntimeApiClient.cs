using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Todo.Lambda;

/// <summary>
/// A client of the Lambda Runtime API (version 2018-06-01), the HTTP interface a custom runtime uses inside the
/// execution environment at <c>AWS_LAMBDA_RUNTIME_API</c>: fetch the next event, post its response or its error,
/// report that initialization failed, or hand the environment over for a SnapStart snapshot.
/// </summary>
internal sealed class LambdaRuntimeApiClient(HttpClient httpClient)
{
    private const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";

    /// <summary>
    /// An HTTP client for the Runtime API at <paramref name="runtimeApi"/> (host:port), shared by every poll loop
    /// (an HttpClient takes concurrent requests).
    /// </summary>
    public static HttpClient CreateHttpClient(string runtimeApi) => new(new SocketsHttpHandler
    {
        // HTTP/1.1 gives each request in flight a connection of its own, and under Lambda Managed Instances every
        // loop's next-invocation request stays in flight while it waits: no cap (the default, made explicit).
        MaxConnectionsPerServer = int.MaxValue,
    })
    {
        BaseAddress = new Uri($"http://{runtimeApi}/2018-06-01/"),

        // The next-invocation request waits, unbounded, while the environment is frozen between events.
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>Waits for the next event and the invocation's request id, deadline and trace id.</summary>
    public async Task<(byte[] Payload, LambdaInvocation Invocation)> GetNextInvocationAsync(CancellationToken cancellationToken)
    {
        using var response = await httpClient.GetAsync(new Uri("runtime/invocation/next", UriKind.Relative), cancellationToken);
        response.EnsureSuccessStatusCode();
        var payload = await response.Content.ReadAsByteArrayAsync(cancellationToken);

        var requestId = Header(response, "Lambda-Runtime-Aws-Request-Id")
            ?? throw new InvalidOperationException("The Runtime API sent an invocation without Lambda-Runtime-Aws-Request-Id.");
        var deadline = long.TryParse(Header(response, "Lambda-Runtime-Deadline-Ms"), NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds)
            : (DateTimeOffset?)null;
        return (payload, new LambdaInvocation(requestId, deadline, Header(response, "Lambda-Runtime-Trace-Id")));
    }

    /// <summary>
    /// Under SnapStart (<c>AWS_LAMBDA_INITIALIZATION_TYPE=snap-start</c>): tells Lambda that the init is done and the
    /// environment may be snapshotted. The call returns in each execution environment resumed from the snapshot, which
    /// then polls for its first invocation as usual.
    /// </summary>
    public async Task WaitForRestoreAsync(CancellationToken cancellationToken)
    {
        using var response = await httpClient.GetAsync(new Uri("runtime/restore/next", UriKind.Relative), cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async Task PostResponseAsync(string requestId, byte[] proxyResponse, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(proxyResponse);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await httpClient.PostAsync(
            new Uri($"runtime/invocation/{Uri.EscapeDataString(requestId)}/response", UriKind.Relative), content, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public Task PostInvocationErrorAsync(string requestId, string errorType, Exception exception, CancellationToken cancellationToken) =>
        PostErrorAsync($"runtime/invocation/{Uri.EscapeDataString(requestId)}/error", errorType, exception, cancellationToken);

    public Task PostInitErrorAsync(string errorType, Exception exception, CancellationToken cancellationToken) =>
        PostErrorAsync("runtime/init/error", errorType, exception, cancellationToken);

    /// <summary>
    /// Reports an error with Lambda's error document. It goes back to whoever invoked the function, so it names the
    /// exception type and message but carries no stack trace; the full exception is in the function's log.
    /// </summary>
    private async Task PostErrorAsync(string path, string errorType, Exception exception, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("errorMessage", exception.Message);
            writer.WriteString("errorType", exception.GetType().Name);
            writer.WriteStartArray("stackTrace");
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        using var content = new ByteArrayContent(body.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = content };
        request.Headers.TryAddWithoutValidation(ErrorTypeHeader, errorType);
        using var response = await httpClient.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
