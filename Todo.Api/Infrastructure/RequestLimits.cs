namespace Todo.Api.Infrastructure;

public static class RequestLimits
{
    /// <summary>The largest request body the API reads: 64 KiB, whatever the server underneath.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    public static WebApplicationBuilder AddRequestLimits(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // RequestBodyLimitMiddleware enforces the real limit on every server, counting decoded body bytes.
        // Kestrel's own limit also counts chunked framing (a 64 KiB body in small chunks is well over 64 KiB on the
        // wire), so it only stops abuse here, at four times the size.
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 4 * MaxRequestBodyBytes;
        });
        return builder;
    }

    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app) =>
        app.UseMiddleware<RequestBodyLimitMiddleware>();
}
