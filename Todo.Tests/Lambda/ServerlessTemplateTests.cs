using System.Reflection;
using System.Text.Json;
using Todo.Api;
using Todo.Tests.Lambda.Support;

namespace Todo.Tests.Lambda;

/// <summary>
/// serverless.template (AWS SAM, JSON) deploys what the adapter expects, in both of its variants (the SQLite database
/// bundled in the package, or PostgreSQL through the VPC), and its handler really exists.
/// </summary>
public sealed class ServerlessTemplateTests
{
    private const string BasicExecutionPolicy = "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
    private const string VpcAccessPolicy = "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole";

    /// <summary>What CloudFormation accepts in a condition, and what this class can evaluate.</summary>
    private static readonly string[] ConditionFunctions = ["Ref", "Condition", "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or"];

    /// <summary>Rules allow only Ref and the rule functions (no Fn::Join, Fn::Select, ...); these are the ones evaluated here.</summary>
    private static readonly string[] RuleFunctions = ["Ref", "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or", "Fn::Contains"];

    private static readonly JsonElement Template = Load();

    private static readonly Dictionary<string, string> CompletePostgres = new()
    {
        ["DatabaseProvider"] = "Postgres",
        ["DatabaseSecretArn"] = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:todo/database-AbCdEf",
        ["VpcSubnetIds"] = "subnet-0123456789abcdef0,subnet-0123456789abcdef1",
        ["VpcSecurityGroupIds"] = "sg-0123456789abcdef0",
    };

    /// <summary>The function as written, every Fn::If still in it.</summary>
    private static JsonElement Function => PropertiesOf(Template.GetProperty("Resources"), "AWS::Serverless::Function");

    [Fact]
    public void Is_a_SAM_template_with_one_dotnet10_function_and_its_execution_role()
    {
        Assert.Equal("AWS::Serverless-2016-10-31", Template.GetProperty("Transform").GetString());
        Assert.Equal(
            ["AWS::IAM::Role", "AWS::Serverless::Function"],
            Resolve(new Dictionary<string, string>()).EnumerateObject().Select(r => r.Value.GetProperty("Type").GetString()!).Order());
        Assert.Equal("dotnet10", Function.GetProperty("Runtime").GetString());
        Assert.Equal(["x86_64"], Function.GetProperty("Architectures").Strings());
        Assert.InRange(Function.GetProperty("MemorySize").GetInt32(), 512, 3008);
        Assert.Equal("FunctionTimeoutSeconds", Function.GetProperty("Timeout").GetProperty("Ref").GetString());
        Assert.Equal(1, Template.GetProperty("Parameters").GetProperty("ReservedConcurrency").GetProperty("Default").GetInt32());
    }

    [Fact]
    public void The_handler_is_the_executable_assembly_whose_program_serves_the_Runtime_API()
    {
        var assembly = typeof(LambdaEntryPoint).Assembly;

        Assert.Equal(assembly.GetName().Name, Function.GetProperty("Handler").GetString());
        Assert.NotNull(assembly.EntryPoint);
    }

    [Fact]
    public void The_class_library_alternative_is_a_public_method_taking_the_event_stream_and_returning_the_response_stream()
    {
        var type = typeof(LambdaEntryPoint);

        Assert.True(type.IsPublic && !type.IsAbstract);
        Assert.NotNull(type.GetConstructor(Type.EmptyTypes));
        var method = Assert.Single(type.GetMethods(BindingFlags.Public | BindingFlags.Instance), m => m.Name == "FunctionHandlerAsync");
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

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public void The_signing_key_is_a_NoEcho_parameter_and_never_a_literal(string provider)
    {
        var parameter = Template.GetProperty("Parameters").GetProperty("JwtSigningKey");
        Assert.True(parameter.GetProperty("NoEcho").GetBoolean());
        Assert.False(parameter.TryGetProperty("Default", out _));
        Assert.True(parameter.GetProperty("MinLength").GetInt32() >= 32);

        var variables = Variables(FunctionFor(provider));
        Assert.Equal("JwtSigningKey", variables.GetProperty("Jwt__SigningKey").GetProperty("Ref").GetString());
        Assert.Equal("DatabaseProvider", variables.GetProperty("Database__Provider").GetProperty("Ref").GetString());
    }

    [Fact]
    public void The_database_parameters_default_to_Sqlite_and_need_nothing_else_for_it()
    {
        var parameters = Template.GetProperty("Parameters");

        var provider = parameters.GetProperty("DatabaseProvider");
        Assert.Equal("String", provider.GetProperty("Type").GetString());
        Assert.Equal(["Sqlite", "Postgres"], provider.GetProperty("AllowedValues").Strings());
        Assert.Equal("Sqlite", provider.GetProperty("Default").GetString());

        var secret = parameters.GetProperty("DatabaseSecretArn");
        Assert.Equal("String", secret.GetProperty("Type").GetString());
        Assert.Equal("", secret.GetProperty("Default").GetString());
        var arn = secret.GetProperty("AllowedPattern").GetString()!;
        Assert.Matches(arn, "");
        Assert.Matches(arn, CompletePostgres["DatabaseSecretArn"]);
        Assert.DoesNotMatch(arn, "todo/database");
        Assert.DoesNotMatch(arn, CompletePostgres["DatabaseSecretArn"] + ":SecretString");

        foreach (var name in (string[])["VpcSubnetIds", "VpcSecurityGroupIds"])
        {
            Assert.Equal("CommaDelimitedList", parameters.GetProperty(name).GetProperty("Type").GetString());
            Assert.Equal("", parameters.GetProperty(name).GetProperty("Default").GetString());
        }
    }

    [Fact]
    public void UsePostgres_and_UseSqlite_are_decided_by_the_DatabaseProvider_parameter_alone()
    {
        var conditions = Template.GetProperty("Conditions");

        Assert.Equal(["KeepWarm", "UsePostgres", "UseSnapStart", "UseSqlite"], conditions.EnumerateObject().Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.Equal("""{"Fn::Equals":[{"Ref":"DatabaseProvider"},"Postgres"]}""", JsonSerializer.Serialize(conditions.GetProperty("UsePostgres")));
        Assert.Equal("""{"Fn::Equals":[{"Ref":"DatabaseProvider"},"Sqlite"]}""", JsonSerializer.Serialize(conditions.GetProperty("UseSqlite")));

        Assert.True(Holds("UseSqlite", "Sqlite"));
        Assert.False(Holds("UsePostgres", "Sqlite"));
        Assert.True(Holds("UsePostgres", "Postgres"));
        Assert.False(Holds("UseSqlite", "Postgres"));
        Assert.Equal(["UsePostgres", "UseSnapStart", "UseSqlite"], ConditionsNamedByFnIf(Template.GetProperty("Resources")).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void With_Sqlite_one_environment_at_a_time_serves_its_copy_of_the_bundled_database()
    {
        var function = FunctionFor("Sqlite");

        Assert.Equal("ReservedConcurrency", function.GetProperty("ReservedConcurrentExecutions").GetProperty("Ref").GetString());
        Assert.False(function.TryGetProperty("VpcConfig", out _));

        var variables = Variables(function);
        Assert.Equal(
            ["ASPNETCORE_ENVIRONMENT", "Database__BundledSqliteFile", "Database__Provider", "Jwt__SigningKey"],
            variables.EnumerateObject().Select(v => v.Name).Order(StringComparer.Ordinal));
        Assert.Equal("todo.db", variables.GetProperty("Database__BundledSqliteFile").GetString());

        // Not even an empty ConnectionStrings__Todo: "" would replace the default SQLite path instead of falling back to it.
        Assert.False(variables.TryGetProperty("ConnectionStrings__Todo", out _));
        Assert.DoesNotContain("secretsmanager", function.GetRawText(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void With_Postgres_the_function_reaches_the_server_through_the_VPC_without_a_concurrency_cap()
    {
        var function = FunctionFor("Postgres");

        Assert.False(function.TryGetProperty("ReservedConcurrentExecutions", out _));
        var vpc = function.GetProperty("VpcConfig");
        Assert.Equal(["SecurityGroupIds", "SubnetIds"], vpc.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("VpcSubnetIds", vpc.GetProperty("SubnetIds").GetProperty("Ref").GetString());
        Assert.Equal("VpcSecurityGroupIds", vpc.GetProperty("SecurityGroupIds").GetProperty("Ref").GetString());

        // No bundled SQLite copy, and a small pool: an environment serves one request at a time.
        var variables = Variables(function);
        Assert.Equal(
            ["ASPNETCORE_ENVIRONMENT", "ConnectionStrings__Todo", "Database__MaxPoolSize", "Database__Provider", "Jwt__SigningKey"],
            variables.EnumerateObject().Select(v => v.Name).Order(StringComparer.Ordinal));
        Assert.Equal("2", variables.GetProperty("Database__MaxPoolSize").GetString());
    }

    [Fact]
    public void The_Postgres_connection_string_is_resolved_from_the_secret_at_deploy_time_and_never_a_literal()
    {
        var connectionString = Variables(FunctionFor("Postgres")).GetProperty("ConnectionStrings__Todo");

        var sub = Assert.Single(connectionString.EnumerateObject());
        Assert.Equal("Fn::Sub", sub.Name);
        Assert.Equal("{{resolve:secretsmanager:${DatabaseSecretArn}:SecretString}}", sub.Value.GetString());

        // The only dynamic reference, and nothing in the template looks like a connection string of its own.
        var text = Template.GetRawText();
        Assert.Equal(1, Occurrences(text, "{{resolve:"));
        foreach (var key in (string[])["Password=", "Pwd=", "Host=", "Server=", "Username=", "User ID=", "Data Source="])
        {
            Assert.DoesNotContain(key, text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData("Sqlite", new[] { BasicExecutionPolicy })]
    [InlineData("Postgres", new[] { BasicExecutionPolicy, VpcAccessPolicy })]
    public void The_execution_role_is_least_privilege(string provider, string[] managedPolicies)
    {
        // The role is the template's own: with Policies, SAM would build one and attach the VPC policy whenever VpcConfig
        // is present, even when its Fn::If removes it (aws/serverless-application-model#3502).
        var function = FunctionFor(provider);
        Assert.False(function.TryGetProperty("Policies", out _));
        Assert.Equal(["TodoApiFunctionRole", "Arn"], function.GetProperty("Role").GetProperty("Fn::GetAtt").Strings());

        var role = PropertiesOf(Resolve(provider), "AWS::IAM::Role");
        var trust = Assert.Single(role.GetProperty("AssumeRolePolicyDocument").GetProperty("Statement").EnumerateArray());
        Assert.Equal("Allow", trust.GetProperty("Effect").GetString());
        Assert.Equal("lambda.amazonaws.com", trust.GetProperty("Principal").GetProperty("Service").GetString());
        Assert.Equal("sts:AssumeRole", trust.GetProperty("Action").GetString());

        Assert.False(role.TryGetProperty("Policies", out _));
        Assert.Equal(managedPolicies, role.GetProperty("ManagedPolicyArns").EnumerateArray().Select(p => p.GetProperty("Fn::Sub").GetString()!));

        // The connection string is resolved by CloudFormation at deploy time: the function never reads the secret.
        var everyBranch = PropertiesOf(Template.GetProperty("Resources"), "AWS::IAM::Role").GetRawText();
        foreach (var forbidden in (string[])["secretsmanager", "FullAccess", "Administrator", "*"])
        {
            Assert.DoesNotContain(forbidden, everyBranch, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void A_Postgres_stack_is_refused_without_the_secret_the_subnets_or_the_security_groups()
    {
        Assert.Empty(Refusals(new() { ["DatabaseProvider"] = "Sqlite" }));
        Assert.Empty(Refusals(CompletePostgres));

        var bare = Refusals(new() { ["DatabaseProvider"] = "Postgres" });
        Assert.Equal(3, bare.Count);
        Assert.Contains(bare, r => r.Contains("DatabaseSecretArn", StringComparison.Ordinal));
        Assert.Contains(bare, r => r.Contains("VpcSubnetIds", StringComparison.Ordinal));
        Assert.Contains(bare, r => r.Contains("VpcSecurityGroupIds", StringComparison.Ordinal));

        Assert.Contains("DatabaseSecretArn", Assert.Single(Refusals(CompletePostgresWith("DatabaseSecretArn", ""))), StringComparison.Ordinal);
        Assert.Contains("VpcSubnetIds", Assert.Single(Refusals(CompletePostgresWith("VpcSubnetIds", "subnet-0123456789abcdef0,"))), StringComparison.Ordinal);
        Assert.Contains("VpcSecurityGroupIds", Assert.Single(Refusals(CompletePostgresWith("VpcSecurityGroupIds", ""))), StringComparison.Ordinal);
    }

    [Fact]
    public void Keep_warm_and_SnapStart_are_off_by_default()
    {
        var parameters = Template.GetProperty("Parameters");
        Assert.Equal("String", parameters.GetProperty("KeepWarmSchedule").GetProperty("Type").GetString());
        Assert.Equal("", parameters.GetProperty("KeepWarmSchedule").GetProperty("Default").GetString());
        var snapStart = parameters.GetProperty("SnapStart");
        Assert.Equal(["Off", "PublishedVersions"], snapStart.GetProperty("AllowedValues").Strings());
        Assert.Equal("Off", snapStart.GetProperty("Default").GetString());

        var resources = Resolve(new Dictionary<string, string>());
        Assert.DoesNotContain(resources.EnumerateObject(), resource => resource.Value.GetProperty("Type").GetString() is "AWS::Events::Rule" or "AWS::Lambda::Permission");
        var function = PropertiesOf(resources, "AWS::Serverless::Function");
        Assert.False(function.TryGetProperty("SnapStart", out _));
        Assert.DoesNotContain(Variables(function).EnumerateObject(), variable => variable.Name.StartsWith("Lambda__WarmUp", StringComparison.Ordinal));

        // The alias is there either way: SAM takes only a string or a parameter's Ref for AutoPublishAlias, never an
        // Fn::If, and an empty alias name is refused.
        Assert.Equal("live", function.GetProperty("AutoPublishAlias").GetString());
    }

    [Fact]
    public void KeepWarm_and_UseSnapStart_are_decided_by_their_own_parameters()
    {
        Assert.False(Holds("KeepWarm", new Dictionary<string, string>()));
        Assert.True(Holds("KeepWarm", new Dictionary<string, string> { ["KeepWarmSchedule"] = "rate(5 minutes)" }));
        Assert.False(Holds("UseSnapStart", new Dictionary<string, string>()));
        Assert.True(Holds("UseSnapStart", new Dictionary<string, string> { ["SnapStart"] = "PublishedVersions" }));

        var schedule = Template.GetProperty("Parameters").GetProperty("KeepWarmSchedule").GetProperty("AllowedPattern").GetString()!;
        foreach (var accepted in (string[])["", "rate(5 minutes)", "rate(1 minute)", "cron(0/5 * * * ? *)"])
        {
            Assert.Matches(schedule, accepted);
        }

        foreach (var refused in (string[])["5 minutes", "rate(5 minutes) ", "every 5 minutes"])
        {
            Assert.DoesNotMatch(schedule, refused);
        }
    }

    [Fact]
    public void A_keep_warm_schedule_adds_a_rule_that_invokes_the_live_alias_and_only_the_permission_it_needs()
    {
        var resources = Resolve(new Dictionary<string, string> { ["KeepWarmSchedule"] = "rate(5 minutes)" });

        // No Input: EventBridge sends its own scheduled event, the shape the adapter answers without a request.
        var ruleName = Assert.Single(resources.EnumerateObject(), resource => resource.Value.GetProperty("Type").ValueEquals("AWS::Events::Rule")).Name;
        var rule = PropertiesOf(resources, "AWS::Events::Rule");
        Assert.Equal("KeepWarmSchedule", rule.GetProperty("ScheduleExpression").GetProperty("Ref").GetString());
        Assert.Equal("ENABLED", rule.GetProperty("State").GetString());
        var target = Assert.Single(rule.GetProperty("Targets").EnumerateArray());
        Assert.False(target.TryGetProperty("Input", out _));
        Assert.Equal("TodoApiFunction.Alias", target.GetProperty("Arn").GetProperty("Ref").GetString());

        // A warm-up that cannot be delivered now is worth nothing later.
        Assert.Equal(0, target.GetProperty("RetryPolicy").GetProperty("MaximumRetryAttempts").GetInt32());

        // The alias's resource policy lets EventBridge invoke it for this rule only; the execution role is unchanged.
        var permission = PropertiesOf(resources, "AWS::Lambda::Permission");
        Assert.Equal(["Action", "FunctionName", "Principal", "SourceArn"], permission.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("lambda:InvokeFunction", permission.GetProperty("Action").GetString());
        Assert.Equal("events.amazonaws.com", permission.GetProperty("Principal").GetString());
        Assert.Equal("TodoApiFunction.Alias", permission.GetProperty("FunctionName").GetProperty("Ref").GetString());
        Assert.Equal([ruleName, "Arn"], permission.GetProperty("SourceArn").GetProperty("Fn::GetAtt").Strings());
        Assert.Equal(
            PropertiesOf(Resolve(new Dictionary<string, string>()), "AWS::IAM::Role").GetRawText(),
            PropertiesOf(resources, "AWS::IAM::Role").GetRawText());

        // The same alias the API's events invoke (SAM points them at it), so it is their environment that stays warm.
        Assert.Equal("live", PropertiesOf(resources, "AWS::Serverless::Function").GetProperty("AutoPublishAlias").GetString());
    }

    [Fact]
    public void With_SnapStart_each_published_version_is_warmed_up_and_snapshotted_and_the_API_invokes_it_through_the_live_alias()
    {
        var function = PropertiesOf(Resolve(new Dictionary<string, string> { ["SnapStart"] = "PublishedVersions" }), "AWS::Serverless::Function");

        Assert.Equal("PublishedVersions", function.GetProperty("SnapStart").GetProperty("ApplyOn").GetString());
        Assert.Equal("live", function.GetProperty("AutoPublishAlias").GetString());

        // A new version, so a new snapshot, whenever a property of the function changes, and when SnapStart itself is
        // switched (its Fn::If alone does not change the properties SAM hashes; the version's description does).
        Assert.True(function.GetProperty("AutoPublishAliasAllProperties").GetBoolean());
        Assert.Contains("${SnapStart}", function.GetProperty("VersionDescription").GetProperty("Fn::Sub").GetString(), StringComparison.Ordinal);

        // The warm-up runs before the snapshot, which then holds the JIT-compiled request path.
        var variables = Variables(function);
        Assert.Equal("/health", variables.GetProperty("Lambda__WarmUpPaths__0").GetString());
        Assert.Equal("/todos", variables.GetProperty("Lambda__WarmUpPaths__1").GetString());

        // SnapStart supports neither ephemeral storage over 512 MB (the default is 512) nor provisioned concurrency.
        Assert.False(function.TryGetProperty("EphemeralStorage", out _));
        Assert.False(function.TryGetProperty("ProvisionedConcurrencyConfig", out _));
    }

    [Fact]
    public void SnapStart_is_refused_with_Postgres_whose_connections_would_be_dead_in_the_snapshot()
    {
        Assert.Empty(Refusals(new() { ["SnapStart"] = "PublishedVersions" }));

        var refusal = Assert.Single(Refusals(new(CompletePostgres) { ["SnapStart"] = "PublishedVersions" }));
        Assert.Contains("SnapStart", refusal, StringComparison.Ordinal);
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

    private static JsonElement FunctionFor(string provider) => PropertiesOf(Resolve(provider), "AWS::Serverless::Function");

    private static JsonElement Variables(JsonElement function) => function.GetProperty("Environment").GetProperty("Variables");

    private static JsonElement PropertiesOf(JsonElement resources, string type) => Assert.Single(
        resources.EnumerateObject(),
        resource => resource.Value.GetProperty("Type").GetString() == type).Value.GetProperty("Properties");

    private static Dictionary<string, string> CompletePostgresWith(string name, string value) => new(CompletePostgres) { [name] = value };

    private static JsonElement Resolve(string provider) => Resolve(new Dictionary<string, string> { ["DatabaseProvider"] = provider });

    /// <summary>
    /// The resources as CloudFormation creates them for these parameter values (every other parameter at its default):
    /// a resource whose Condition is false left out, each Fn::If replaced by the branch its condition picks, each
    /// AWS::NoValue removed with its key or list item. Ref, Fn::Sub and the rest stay as written.
    /// </summary>
    private static JsonElement Resolve(IReadOnlyDictionary<string, string> parameters)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var resource in Template.GetProperty("Resources").EnumerateObject())
            {
                if (!resource.Value.TryGetProperty("Condition", out var condition) || Holds(condition.GetString()!, parameters))
                {
                    writer.WritePropertyName(resource.Name);
                    WriteDecided(resource.Value, name => Holds(name, parameters), writer);
                }
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }

    private static void WriteDecided(JsonElement value, Func<string, bool> holds, Utf8JsonWriter writer)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    var chosen = Decide(property.Value, holds);
                    if (!IsNoValue(chosen))
                    {
                        writer.WritePropertyName(property.Name);
                        WriteDecided(chosen, holds, writer);
                    }
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray().Select(item => Decide(item, holds)).Where(item => !IsNoValue(item)))
                {
                    WriteDecided(item, holds, writer);
                }

                writer.WriteEndArray();
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    /// <summary>The branch an Fn::If (or a chain of them) takes; any other value as it is.</summary>
    private static JsonElement Decide(JsonElement value, Func<string, bool> holds)
    {
        while (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("Fn::If", out var fnIf))
        {
            Assert.Single(value.EnumerateObject());
            var arguments = fnIf.EnumerateArray().ToArray();
            Assert.Equal(3, arguments.Length);
            value = holds(arguments[0].GetString()!) ? arguments[1] : arguments[2];
        }

        return value;
    }

    private static bool IsNoValue(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty("Ref", out var name) && name.ValueEquals("AWS::NoValue");

    private static bool Holds(string condition, string provider) => Holds(condition, new Dictionary<string, string> { ["DatabaseProvider"] = provider });

    private static bool Holds(string condition, IReadOnlyDictionary<string, string> parameters) =>
        (bool)Evaluate(Template.GetProperty("Conditions").GetProperty(condition), parameters, ConditionFunctions);

    /// <summary>The AssertDescription of each rule assertion that fails for these parameter values (the rest at their defaults).</summary>
    private static List<string> Refusals(Dictionary<string, string> parameters)
    {
        var refusals = new List<string>();
        foreach (var rule in Template.GetProperty("Rules").EnumerateObject().Select(rule => rule.Value))
        {
            if (rule.TryGetProperty("RuleCondition", out var condition) && !(bool)Evaluate(condition, parameters, RuleFunctions))
            {
                continue;
            }

            refusals.AddRange(rule.GetProperty("Assertions").EnumerateArray()
                .Where(assertion => !(bool)Evaluate(assertion.GetProperty("Assert"), parameters, RuleFunctions))
                .Select(assertion => assertion.GetProperty("AssertDescription").GetString()!));
        }

        return refusals;
    }

    /// <summary>A condition or rule expression: a string, a list of strings (a CommaDelimitedList) or a Boolean.</summary>
    private static object Evaluate(JsonElement expression, IReadOnlyDictionary<string, string> parameters, string[] allowed)
    {
        if (expression.ValueKind == JsonValueKind.String)
        {
            return expression.GetString()!;
        }

        if (expression.ValueKind == JsonValueKind.Array)
        {
            return expression.EnumerateArray().Select(item => (string)Evaluate(item, parameters, allowed)).ToArray();
        }

        var function = Assert.Single(expression.EnumerateObject());
        Assert.Contains(function.Name, allowed);
        var arguments = function.Value;
        return function.Name switch
        {
            "Ref" => ParameterValue(arguments.GetString()!, parameters),
            "Condition" => Holds(arguments.GetString()!, parameters),
            "Fn::Equals" => Same(Evaluate(arguments[0], parameters, allowed), Evaluate(arguments[1], parameters, allowed)),
            "Fn::Not" => !(bool)Evaluate(Assert.Single(arguments.EnumerateArray()), parameters, allowed),
            "Fn::And" => arguments.EnumerateArray().All(condition => (bool)Evaluate(condition, parameters, allowed)),
            "Fn::Or" => arguments.EnumerateArray().Any(condition => (bool)Evaluate(condition, parameters, allowed)),
            "Fn::Contains" => ((string[])Evaluate(arguments[0], parameters, allowed)).Contains((string)Evaluate(arguments[1], parameters, allowed)),
            _ => throw new NotSupportedException(function.Name),
        };
    }

    /// <summary>A parameter's given value or its default; a CommaDelimitedList as its items ("" is one empty item).</summary>
    private static object ParameterValue(string name, IReadOnlyDictionary<string, string> parameters)
    {
        var declaration = Template.GetProperty("Parameters").GetProperty(name);
        var value = parameters.TryGetValue(name, out var given) ? given : declaration.GetProperty("Default").ToString();
        return declaration.GetProperty("Type").ValueEquals("CommaDelimitedList") ? value.Split(',') : value;
    }

    private static bool Same(object left, object right) => (left, right) switch
    {
        (string a, string b) => string.Equals(a, b, StringComparison.Ordinal),
        (string[] a, string[] b) => a.SequenceEqual(b, StringComparer.Ordinal),
        _ => false,
    };

    private static IEnumerable<string> ConditionsNamedByFnIf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => value.EnumerateObject().SelectMany(property => property.Name == "Fn::If"
            ? ConditionsNamedByFnIf(property.Value).Prepend(property.Value[0].GetString()!)
            : ConditionsNamedByFnIf(property.Value)),
        JsonValueKind.Array => value.EnumerateArray().SelectMany(ConditionsNamedByFnIf),
        _ => [],
    };

    private static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static JsonElement Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(LambdaTestPaths.RepositoryRoot, "serverless.template")));
        return document.RootElement.Clone();
    }
}
