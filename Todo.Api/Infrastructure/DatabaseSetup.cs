using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Todo.Domain.Persistence;
using Todo.Domain.Todos;
using Todo.Domain.Users;

namespace Todo.Api.Infrastructure;

public static class DatabaseSetup
{
    private const string DefaultConnectionString = "Data Source=App_Data/todo.db";

    public static IServiceCollection AddTodoDatabase(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);

        services.AddOptions<DatabaseOptions>()
            .Bind(configuration.GetSection(DatabaseOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var databaseOptions = configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connectionString = ResolveConnectionString(
            configuration.GetConnectionString(DatabaseOptions.ConnectionStringName) ?? DefaultConnectionString,
            environment.ContentRootPath,
            databaseOptions.BusyTimeout);

        // Pooled contexts: a request rents a ready DbContext instead of building one.
        services.AddDbContextPool<TodoDbContext>(options => options
            .UseSqlite(connectionString, sqlite => sqlite.MigrationsAssembly(TodoDbContext.MigrationsAssembly))
            .AddInterceptors(new SqliteConnectionSetup()));
        services.AddScoped<UserRepository>();
        services.AddScoped<TodoRepository>();
        services.AddHostedService<DatabaseMigrationService>();
        return services;
    }

    /// <summary>
    /// Makes a relative file path absolute against the content root (so the database does not move with the
    /// working directory), creates its folder, and sets the busy timeout that lets concurrent writers queue.
    /// </summary>
    internal static string ResolveConnectionString(string connectionString, string contentRoot, TimeSpan busyTimeout)
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
}
