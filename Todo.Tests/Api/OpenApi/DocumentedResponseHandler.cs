using System.Text.RegularExpressions;
using Xunit.Sdk;

namespace Todo.Tests.Api.OpenApi;

/// <summary>
/// Checks every response an API test receives against the API's own OpenAPI document (status, content type, headers,
/// body schema) and fails the test that made the request, naming the method, path and status, when it is not documented.
/// </summary>
public sealed partial class DocumentedResponseHandler(Func<CancellationToken, Task<OpenApiContract>> contract) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        var response = await base.SendAsync(request, cancellationToken);
        var path = request.RequestUri!.AbsolutePath;

        // The contract's rule for the id, checked on every response a test receives, documented route or not.
        if (!response.Headers.TryGetValues("X-Correlation-Id", out var correlationIds)
            || correlationIds.ToList() is not [var correlationId]
            || !CorrelationIdRule().IsMatch(correlationId))
        {
            response.Dispose();
            throw new XunitException($"{request.Method} {request.RequestUri.PathAndQuery}: X-Correlation-Id is missing, repeated or not 1-128 of A-Z a-z 0-9 . _ : -");
        }
        if (UndocumentedRoutes.Contains(path))
        {
            return response;
        }

        // Buffered, so the test can still read the body afterwards.
        var body = response.Content is null ? [] : await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var headers = response.Headers.Select(header => header.Key)
            .Concat(response.Content?.Headers.Select(header => header.Key) ?? [])
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var status = (int)response.StatusCode;
        var failure = (await contract(cancellationToken)).Check(
            request.Method.Method, path, status, response.Content?.Headers.ContentType?.MediaType, headers, body);
        if (failure is not null)
        {
            response.Dispose();
            throw new XunitException($"Undocumented response to {request.Method} {request.RequestUri.PathAndQuery} ({status}): {failure}");
        }

        return response;
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    private static partial Regex CorrelationIdRule();
}
