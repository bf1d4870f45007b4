using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Todo.Lambda;

/// <summary>
/// The problem responses (RFC 9457) the adapter answers with when the application cannot: it threw, ran into the
/// invocation deadline, or produced more than the front door accepts. They are written by the application's own
/// <see cref="IProblemDetailsService"/>, so they follow its conventions (type URIs, traceId, instance); only an
/// application without one gets the adapter's minimal document. They never carry exception details. The writer gets
/// the invocation's <see cref="ILambdaInvocationFeature"/> too, as the application's request had it, so whatever the
/// application derives from the invocation (its correlation id) comes out the same.
/// </summary>
internal sealed class LambdaProblemResponses(IServiceScopeFactory scopeFactory)
{
    public Task<ProxyResponse> UnhandledExceptionAsync(ProxyRequest request, ILambdaInvocationFeature invocation, string traceIdentifier) => CreateAsync(
        request, invocation, StatusCodes.Status500InternalServerError, "An error occurred while processing your request.", detail: null, traceIdentifier);

    public Task<ProxyResponse> DeadlineReachedAsync(ProxyRequest request, ILambdaInvocationFeature invocation, string traceIdentifier) => CreateAsync(
        request, invocation, StatusCodes.Status504GatewayTimeout, "The request did not complete in time.",
        "The function reached its time limit before the response was ready.", traceIdentifier);

    public Task<ProxyResponse> TooLargeAsync(ProxyRequest request, ILambdaInvocationFeature invocation, string traceIdentifier) => CreateAsync(
        request, invocation, StatusCodes.Status500InternalServerError, "The response is too large.",
        "The response exceeds the payload limit of the AWS Lambda integration.", traceIdentifier);

    private async Task<ProxyResponse> CreateAsync(
        ProxyRequest request, ILambdaInvocationFeature invocation, int status, string title, string? detail, string traceIdentifier)
    {
        // A fresh request context over the same request, so the writer sees what the application saw, and a fresh
        // response, so nothing the failed attempt wrote survives.
        await using var scope = scopeFactory.CreateAsyncScope();
        await using var features = new LambdaHttpFeatures(request, traceIdentifier, responseCapacity: 64 * 1024, CancellationToken.None);
        features.Features.Set(invocation);
        var context = new DefaultHttpContext(features.Features) { RequestServices = scope.ServiceProvider, TraceIdentifier = traceIdentifier };
        context.Response.StatusCode = status;

        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        var written = scope.ServiceProvider.GetService<IProblemDetailsService>() is { } problems
            && await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
        if (!written)
        {
            await WriteMinimalAsync(context.Response, problem, traceIdentifier);
        }

        await features.CompleteAsync();
        var headers = features.ResponseHeaders;
        headers[HeaderNames.CacheControl] = "no-store";
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        return new ProxyResponse { StatusCode = status, Headers = headers, Body = features.ResponseBody.ToArray(), TraceIdentifier = traceIdentifier };
    }

    private static async Task WriteMinimalAsync(HttpResponse response, ProblemDetails problem, string traceIdentifier)
    {
        response.ContentType = "application/problem+json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(response.Body);
        writer.WriteStartObject();
        writer.WriteString("title", problem.Title);
        writer.WriteNumber("status", problem.Status ?? response.StatusCode);
        if (problem.Detail is not null)
        {
            writer.WriteString("detail", problem.Detail);
        }

        writer.WriteString("traceId", traceIdentifier);
        writer.WriteEndObject();
    }
}
