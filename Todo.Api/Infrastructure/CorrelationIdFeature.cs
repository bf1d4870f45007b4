namespace Todo.Api.Infrastructure;

/// <summary>The correlation id chosen for a request, kept in its features for whoever needs it later.</summary>
internal sealed record CorrelationIdFeature(string Value);
