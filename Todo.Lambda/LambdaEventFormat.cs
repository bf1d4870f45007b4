namespace Todo.Lambda;

/// <summary>The proxy event shapes the adapter understands; <see cref="Auto"/> decides per event.</summary>
public enum LambdaEventFormat
{
    Auto,
    ApiGatewayRest,
    ApiGatewayHttp,
    ApplicationLoadBalancer,
}
