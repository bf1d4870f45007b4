namespace Todo.Tests.Lambda.Support;

public enum LambdaProbes
{
    None,

    /// <summary>Probe routes under <c>/__probe/</c> in front of the real application.</summary>
    Routes,

    /// <summary>Every request is answered with what the application saw of it.</summary>
    EchoEverything,

    /// <summary>Every request is answered with what its <c>ILambdaInvocationFeature</c> says.</summary>
    InvocationFeature,
}
