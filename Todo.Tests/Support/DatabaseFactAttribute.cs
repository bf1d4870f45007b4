using Xunit.Abstractions;
using Xunit.Sdk;

namespace Todo.Tests.Support;

/// <summary>
/// A fact for a test class that runs once per database provider (an abstract class of tests, one sealed subclass per
/// provider): skipped with <see cref="PostgresServer.SkipReason"/> in a class that implements
/// <see cref="IRunsOnPostgres"/> when there is no PostgreSQL server here.
/// </summary>
[XunitTestCaseDiscoverer("Todo.Tests.Support.DatabaseFactDiscoverer", "Todo.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class DatabaseFactAttribute : FactAttribute;

/// <summary>The theory counterpart of <see cref="DatabaseFactAttribute"/>.</summary>
[XunitTestCaseDiscoverer("Todo.Tests.Support.DatabaseTheoryDiscoverer", "Todo.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class DatabaseTheoryAttribute : TheoryAttribute;

public sealed class DatabaseFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        DatabaseSkip.ReasonFor(testMethod) is string reason
            ? [DatabaseSkip.TestCase(DiagnosticMessageSink, discoveryOptions, testMethod, reason)]
            : base.Discover(discoveryOptions, testMethod, factAttribute);
}

public sealed class DatabaseTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute) =>
        DatabaseSkip.ReasonFor(testMethod) is string reason
            ? [DatabaseSkip.TestCase(DiagnosticMessageSink, discoveryOptions, testMethod, reason)]
            : base.Discover(discoveryOptions, testMethod, theoryAttribute);
}

internal static class DatabaseSkip
{
    public static string? ReasonFor(ITestMethod testMethod) =>
        typeof(IRunsOnPostgres).IsAssignableFrom(testMethod.TestClass.Class.ToRuntimeType()) ? PostgresServer.SkipReason : null;

    public static IXunitTestCase TestCase(IMessageSink sink, ITestFrameworkDiscoveryOptions options, ITestMethod testMethod, string reason) =>
        new XunitSkippedDataRowTestCase(sink, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), testMethod, reason);
}
