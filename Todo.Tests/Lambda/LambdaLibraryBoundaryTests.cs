using Todo.Lambda;

namespace Todo.Tests.Lambda;

/// <summary>The adapter is a library of its own: it depends on nothing of ours and shows an app only what it uses.</summary>
public sealed class LambdaLibraryBoundaryTests
{
    private static readonly System.Reflection.Assembly Library = typeof(LambdaHosting).Assembly;

    [Fact]
    public void The_adapter_references_only_the_framework_and_nothing_of_ours()
    {
        var ours = Library.GetReferencedAssemblies().Select(name => name.Name!).Where(name => name.StartsWith("Todo.", StringComparison.Ordinal));

        Assert.Empty(ours);
    }

    [Fact]
    public void The_adapter_exposes_only_the_types_an_application_uses()
    {
        Assert.Equal(
            [
                nameof(FlatJsonConsole),
                nameof(ILambdaInvocationFeature),
                nameof(LambdaEventFormat),
                nameof(LambdaEventFormatException),
                nameof(LambdaExecutionEnvironment),
                nameof(LambdaFunction),
                nameof(LambdaHosting),
                nameof(LambdaHostingOptions),
            ],
            Library.GetExportedTypes().Select(type => type.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_application_plugs_it_in_from_its_composition_and_derives_its_handler_from_the_base()
    {
        Assert.True(typeof(Todo.Api.LambdaEntryPoint).IsSealed);
        Assert.Equal(typeof(LambdaFunction), typeof(Todo.Api.LambdaEntryPoint).BaseType);
        Assert.DoesNotContain(
            typeof(Program).Assembly.GetTypes(),
            type => type.Namespace?.StartsWith("Todo.Api.Lambda", StringComparison.Ordinal) == true);
    }
}
