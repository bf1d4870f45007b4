using System.Reflection;
using System.Text.Json;
using Todo.Api;
using Todo.Tests.Lambda.Support;

namespace Todo.Tests.Lambda;

/// <summary>serverless.template (AWS SAM, JSON) deploys what the adapter expects, and its handler really exists.</summary>
public sealed class ServerlessTemplateTests
{
    private static readonly JsonElement Template = Load();

    private static JsonElement Function => Assert.Single(
        Template.GetProperty("Resources").EnumerateObject(),
        resource => resource.Value.GetProperty("Type").GetString() == "AWS::Serverless::Function").Value.GetProperty("Properties");

    [Fact]
    public void Is_a_SAM_template_with_one_dotnet10_function()
    {
        Assert.Equal("AWS::Serverless-2016-10-31", Template.GetProperty("Transform").GetString());
        Assert.Equal("dotnet10", Function.GetProperty("Runtime").GetString());
        Assert.Equal(["x86_64"], Function.GetProperty("Architectures").Strings());
        Assert.InRange(Function.GetProperty("MemorySize").GetInt32(), 512, 3008);
        Assert.Equal("FunctionTimeoutSeconds", Function.GetProperty("Timeout").GetProperty("Ref").GetString());
        Assert.Equal(1, Template.GetProperty("Parameters").GetProperty("ReservedConcurrency").GetProperty("Default").GetInt32());
        Assert.Equal("ReservedConcurrency", Function.GetProperty("ReservedConcurrentExecutions").GetProperty("Ref").GetString());
    }

    [Fact]
    public void The_handler_names_a_public_method_taking_the_event_stream_and_returning_the_response_stream()
    {
        var parts = Function.GetProperty("Handler").GetString()!.Split("::");

        Assert.Equal(3, parts.Length);
        var assembly = typeof(LambdaEntryPoint).Assembly;
        Assert.Equal(assembly.GetName().Name, parts[0]);
        var type = assembly.GetType(parts[1], throwOnError: true)!;
        Assert.True(type.IsPublic && !type.IsAbstract);
        Assert.NotNull(type.GetConstructor(Type.EmptyTypes));
        var method = Assert.Single(type.GetMethods(BindingFlags.Public | BindingFlags.Instance), m => m.Name == parts[2]);
        Assert.Equal([typeof(Stream)], method.GetParameters().Select(p => p.ParameterType));
        Assert.Equal(typeof(Task<Stream>), method.ReturnType);
    }

    [Fact]
    public void Root_and_greedy_proxy_routes_use_the_REST_API_proxy_integration()
    {
        var events = Function.GetProperty("Events").EnumerateObject().Select(e => e.Value).ToList();

        Assert.All(events, e => Assert.Equal("Api", e.GetProperty("Type").GetString()));
        Assert.All(events, e => Assert.Equal("ANY", e.GetProperty("Properties").GetProperty("Method").GetString()));
        Assert.Equal(["/", "/{proxy+}"], events.Select(e => e.GetProperty("Properties").GetProperty("Path").GetString()!).Order());

        // Binary responses (isBase64Encoded) are only decoded by a REST API that has binary media types.
        Assert.Equal(["*~1*"], Template.GetProperty("Globals").GetProperty("Api").GetProperty("BinaryMediaTypes").Strings());
    }

    [Fact]
    public void The_signing_key_is_a_NoEcho_parameter_and_never_a_literal()
    {
        var parameter = Template.GetProperty("Parameters").GetProperty("JwtSigningKey");
        Assert.True(parameter.GetProperty("NoEcho").GetBoolean());
        Assert.False(parameter.TryGetProperty("Default", out _));
        Assert.True(parameter.GetProperty("MinLength").GetInt32() >= 32);

        var variables = Function.GetProperty("Environment").GetProperty("Variables");
        Assert.Equal("JwtSigningKey", variables.GetProperty("Jwt__SigningKey").GetProperty("Ref").GetString());
        Assert.Equal("todo.db", variables.GetProperty("Lambda__BundledDatabase").GetString());
        Assert.Equal("Todo", variables.GetProperty("Lambda__ConnectionStringName").GetString());
        Assert.Equal("FunctionTimeoutSeconds", variables.GetProperty("Lambda__FunctionTimeoutSeconds").GetProperty("Ref").GetString());
    }

    [Fact]
    public void Policies_are_least_privilege()
    {
        var policies = Function.GetProperty("Policies").EnumerateArray().Select(p => p.ToString()).ToList();

        Assert.Equal(["AWSLambdaBasicExecutionRole"], policies);
        Assert.DoesNotContain(policies, p => p.Contains("FullAccess", StringComparison.OrdinalIgnoreCase) || p.Contains("Administrator", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void The_code_is_the_zip_the_packaging_script_writes_and_the_API_URL_is_an_output()
    {
        Assert.Equal("artifacts/lambda/todo-api-lambda.zip", Function.GetProperty("CodeUri").GetString());
        var script = File.ReadAllText(Path.Combine(LambdaTestPaths.RepositoryRoot, "build", "package-lambda.sh"));
        Assert.Contains("todo-api-lambda.zip", script, StringComparison.Ordinal);

        var url = Template.GetProperty("Outputs").GetProperty("ApiUrl").GetProperty("Value").GetProperty("Fn::Sub").GetString();
        Assert.Equal("https://${ServerlessRestApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/Prod/", url);
    }

    private static JsonElement Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(LambdaTestPaths.RepositoryRoot, "serverless.template")));
        return document.RootElement.Clone();
    }
}
