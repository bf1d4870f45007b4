namespace Todo.Tests.Api;

/// <summary>StartupTests redirect Console.Error for a moment, so they run while nothing else does.</summary>
[CollectionDefinition(nameof(StartupTests), DisableParallelization = true)]
public sealed class StartupTestsGroup;
