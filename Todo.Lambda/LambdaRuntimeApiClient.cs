using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Todo.Lambda;

/// <summary>
/// A client of the Lambda Runtime API (version 2018-06-01), the HTTP interface a custom runtime uses inside the
/// execution environment at <c>AWS_LAMBDA_RUNTIME_API</c>: fetch the next event, post its response or its error,
/// report that initialization failed, or hand the environment over for a SnapStart snapshot. A request that does not
/// succeed throws <see cref="LambdaRuntimeApiException"/>, with the Runtime API's status when it answered.
/// </summary>
internal sealed class LambdaRuntimeApiClient(HttpClient httpClient)
{
    private const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";

    /// <summary>The most of an error answer's body read for its message: Lambda's error documents are short.</summary>
    private const int ErrorBodyLimit = 4096;

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

    /// <summary>Host and port, as AWS_LAMBDA_RUNTIME_API gave them.</summary>
    private string Address => httpClient.BaseAddress?.Authority ?? "(no address)";

    /// <summary>Waits for the next event and the invocation's request id, deadline and trace id.</summary>
    public async Task<(byte[] Payload, LambdaInvocation Invocation)> GetNextInvocationAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("runtime/invocation/next", UriKind.Relative));
        using var response = await SendAsync(request, cancellationToken);
        byte[] payload;
        try
        {
            payload = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException)
        {
            throw new LambdaRuntimeApiException($"The Lambda Runtime API at {Address} broke off its answer to {Describe(request)}.", exception);
        }

        var requestId = Header(response, "Lambda-Runtime-Aws-Request-Id")
            ?? throw new LambdaRuntimeApiException($"The Lambda Runtime API at {Address} sent an invocation without Lambda-Runtime-Aws-Request-Id.");
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
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("runtime/restore/next", UriKind.Relative));
        using var response = await SendAsync(request, cancellationToken);
    }

    /// <summary>
    /// Posts the invocation's response. Lambda answers 413 to one over its payload limit: the invocation is then
    /// still open for its error (<see cref="PostInvocationErrorAsync(string, string, string, CancellationToken)"/>).
    /// </summary>
    public async Task PostResponseAsync(string requestId, byte[] proxyResponse, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(proxyResponse);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"runtime/invocation/{Uri.EscapeDataString(requestId)}/response", UriKind.Relative))
        {
            Content = content,
        };
        using var response = await SendAsync(request, cancellationToken);
    }

    /// <summary>Fails the invocation with the exception's type and message.</summary>
    public Task PostInvocationErrorAsync(string requestId, string errorType, Exception exception, CancellationToken cancellationToken) =>
        PostErrorAsync(InvocationErrorPath(requestId), errorType, exception.GetType().Name, exception.Message, cancellationToken);

    /// <summary>Fails the invocation with an error of the runtime's own (<paramref name="errorType"/>, as Lambda names them).</summary>
    public Task PostInvocationErrorAsync(string requestId, string errorType, string message, CancellationToken cancellationToken) =>
        PostErrorAsync(InvocationErrorPath(requestId), errorType, errorType, message, cancellationToken);

    /// <summary>Fails the init: Lambda gives the error to the invocation that was waiting for it, and starts anew.</summary>
    public Task PostInitErrorAsync(string errorType, string exceptionType, string message, CancellationToken cancellationToken) =>
        PostErrorAsync("runtime/init/error", errorType, exceptionType, message, cancellationToken);

    private static string InvocationErrorPath(string requestId) => $"runtime/invocation/{Uri.EscapeDataString(requestId)}/error";

    /// <summary>
    /// Reports an error with Lambda's error document. It goes back to whoever invoked the function, so it names the
    /// exception type and message but carries no stack trace; the full exception is in the function's log.
    /// </summary>
    private async Task PostErrorAsync(string path, string errorType, string exceptionType, string message, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("errorMessage", message);
            writer.WriteString("errorType", exceptionType);
            writer.WriteStartArray("stackTrace");
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        using var content = new ByteArrayContent(body.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = content };
        request.Headers.TryAddWithoutValidation(ErrorTypeHeader, errorType);
        using var response = await SendAsync(request, cancellationToken);
    }

    /// <summary>Sends the request; anything but a success status, or no answer at all, is a <see cref="LambdaRuntimeApiException"/>.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await httpClient.SendAsync(request, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // A refused connection, a broken answer, or the client's timeout (the init error has one); not the caller's cancellation.
            throw new LambdaRuntimeApiException($"The Lambda Runtime API at {Address} did not answer {Describe(request)}.", exception);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var reason = await ErrorMessageAsync(response, cancellationToken);
            throw new LambdaRuntimeApiException(
                $"The Lambda Runtime API at {Address} answered {Describe(request)} with {(int)response.StatusCode} {response.ReasonPhrase}{reason}.",
                response.StatusCode);
        }
    }

    private string Describe(HttpRequestMessage request) =>
        $"{request.Method} {(httpClient.BaseAddress is { } baseAddress ? new Uri(baseAddress, request.RequestUri!).AbsolutePath : request.RequestUri)}";

    /// <summary>The <c>errorType</c> and <c>errorMessage</c> of Lambda's error document, when the answer has one.</summary>
    private static async Task<string> ErrorMessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[ErrorBodyLimit];
            var length = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            using var document = JsonDocument.Parse(buffer.AsMemory(0, length));
            var root = document.RootElement;
            var type = root.TryGetProperty("errorType", out var errorType) && errorType.ValueKind == JsonValueKind.String ? errorType.GetString() : null;
            var message = root.TryGetProperty("errorMessage", out var errorMessage) && errorMessage.ValueKind == JsonValueKind.String ? errorMessage.GetString() : null;
            var said = string.Join(": ", new[] { type, message?.ReplaceLineEndings(" ").Trim().TrimEnd('.') }.Where(part => !string.IsNullOrEmpty(part)));
            return said.Length == 0 ? string.Empty : $" ({said})";
        }
        catch (Exception exception) when (exception is JsonException or HttpRequestException or IOException or InvalidOperationException)
        {
            // Not an error document, or not all of it: the status says enough.
            return string.Empty;
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
