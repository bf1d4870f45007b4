using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Todo.Domain.Persistence;
using Todo.Domain.Sessions;
using Todo.Domain.Todos;
using Todo.Domain.Users;
using Todo.Lambda;
using Todo.Migrations.Sqlite.CompiledModel;

namespace Todo.Api.Infrastructure;

/// <summary>
/// The one place that knows which database is behind the repositories: the provider, its connection settings and
/// its migrations. Everything above the DbContext is the same for both.
/// </summary>
public static partial class DatabaseSetup
{
    public const string SqliteMigrationsAssembly = "Todo.Migrations.Sqlite";
    public const string PostgresMigrationsAssembly = "Todo.Migrations.Postgres";

    /// <summary>Where SQLite keeps the data when ConnectionStrings:Todo does not say: beside the application.</summary>
    private const string DefaultSqliteConnectionString = "Data Source=App_Data/todo.db";

    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An unknown provider, or Postgres without a connection string.</exception>
    public static IServiceCollection AddTodoDatabase(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);

        services.AddOptions<DatabaseOptions>()
            .Bind(configuration.GetSection(DatabaseOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // The provider decides which services exist, so it is read now rather than when options are first used.
        var databaseOptions = configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var provider = DatabaseOptions.ParseProvider(databaseOptions.Provider);
        var configured = configuration.GetConnectionString(DatabaseOptions.ConnectionStringName);

        // Pooled contexts: a request rents a ready DbContext instead of building one.
        if (provider == DatabaseProvider.Postgres)
        {
            var connectionString = PostgresConnectionString(configured, databaseOptions.MaxPoolSize);
            services.AddDbContextPool<TodoDbContext>(options => options
                .UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(PostgresMigrationsAssembly)));
        }
        else
        {
            services.AddSingleton(provider => new SqliteWriteGate(databaseOptions.BusyTimeout, provider.GetRequiredService<ILogger<SqliteWriteGate>>()));

            // The compiled model (Migrations/Sqlite/CompiledModel) spares every cold start building the model, the
            // larger part of the first database use. It must follow the model: CompiledModelTests fails when it does
            // not; regenerate it with
            //   dotnet ef dbcontext optimize --project Migrations/Sqlite --startup-project Todo.Api --output-dir CompiledModel --namespace Todo.Migrations.Sqlite.CompiledModel
            // PostgreSQL keeps the model built at run time: it starts less often (no Lambda package carries it).
            // The connection string is resolved when the first context is made (the start-up migration), once the host
            // knows whether the Lambda adapter runs it: there the package's database is copied into the writable temp
            // directory.
            services.AddDbContextPool<TodoDbContext>((provider, options) => options
                .UseSqlite(SqliteConnectionString(provider, configured, databaseOptions, environment.ContentRootPath), sqlite => sqlite.MigrationsAssembly(SqliteMigrationsAssembly))
                .UseModel(TodoDbContextModel.Instance)
                .AddInterceptors(new SqliteConnectionSetup())
                .AddInterceptors(provider.GetRequiredService<SqliteWriteGate>().Interceptors));
        }

        var topology = new DatabaseTopology(provider);
        services.AddSingleton(topology);

        // Sessions seen live are remembered only where this process is the database's one writer.
        services.AddSingleton(new LiveSessions(enabled: !topology.IsShared));
        services.AddScoped<UserRepository>();
        services.AddScoped<TodoRepository>();
        services.AddScoped<LoginThrottleRepository>();
        services.AddScoped<SessionRepository>();
        services.AddSingleton<MigrationState>();
        services.AddSingleton<SqliteFileClaim>();
        services.AddSingleton<DatabaseMigrator>();
        services.AddHostedService<DatabaseMigrationService>();
        return services;
    }

    private static string PostgresConnectionString(string? configured, int? maxPoolSize)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            throw DatabaseOptions.Invalid(
                $"{DatabaseOptions.ConnectionStringSetting} is required when {DatabaseOptions.ProviderSetting} is {DatabaseProvider.Postgres}.");
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(configured);
        }
        catch (ArgumentException)
        {
            // The message would quote the string, and with it the password.
            throw DatabaseOptions.Invalid($"{DatabaseOptions.ConnectionStringSetting} is not a valid PostgreSQL connection string.");
        }

        if (maxPoolSize is int size)
        {
            builder.MaxPoolSize = size;
        }

        return builder.ConnectionString;
    }

    private static string SqliteConnectionString(IServiceProvider provider, string? configured, DatabaseOptions options, string contentRoot)
    {
        if (provider.GetService<LambdaExecutionEnvironment>() is { } lambda && !string.IsNullOrWhiteSpace(options.BundledSqliteFile))
        {
            var (copy, note) = BundledDatabaseCopy.UseTemporaryCopy(options.BundledSqliteFile, lambda.TemporaryDirectory);
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(BundledDatabaseCopy));
            LogDatabaseCopy(logger, note);
            configured = copy;
        }

        return SqliteConnectionString(configured ?? DefaultSqliteConnectionString, contentRoot, options.BusyTimeout);
    }

    /// <summary>
    /// Makes a relative file path absolute against the content root (so the database does not move with the
    /// working directory), creates its folder, and sets the busy timeout that lets concurrent writers queue.
    /// </summary>
    internal static string SqliteConnectionString(string connectionString, string contentRoot, TimeSpan busyTimeout)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var isFile = builder.Mode != SqliteOpenMode.Memory
            && !string.IsNullOrEmpty(builder.DataSource)
            && !string.Equals(builder.DataSource, ":memory:", StringComparison.Ordinal);
        if (isFile)
        {
            var path = Path.GetFullPath(builder.DataSource, contentRoot);
            var directory = Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            builder.DataSource = path;
        }

        builder.DefaultTimeout = (int)busyTimeout.TotalSeconds;
        return builder.ToString();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{DatabaseCopy}")]
    private static partial void LogDatabaseCopy(ILogger logger, string databaseCopy);
}

/// <summary>
/// What the rest of the application may know about the database: which one it is, and whether other instances
/// share it (then state that must hold across instances, like the login throttle, lives in it).
/// </summary>
public sealed record DatabaseTopology(DatabaseProvider Provider)
{
    public bool IsShared => Provider == DatabaseProvider.Postgres;
}
