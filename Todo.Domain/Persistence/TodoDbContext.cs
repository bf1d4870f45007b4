using Microsoft.EntityFrameworkCore;
using Todo.Domain.Sessions;
using Todo.Domain.Todos;
using Todo.Domain.Users;

namespace Todo.Domain.Persistence;

public sealed class TodoDbContext(DbContextOptions<TodoDbContext> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();

    public DbSet<TodoItem> Todos => Set<TodoItem>();

    public DbSet<LoginThrottleEntry> LoginThrottle => Set<LoginThrottleEntry>();

    public DbSet<Session> Sessions => Set<Session>();

    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite keeps no time zone and PostgreSQL's timestamptz takes only UTC: everything is written as UTC and
        // read back marked as UTC, so the API always answers with a trailing "Z".
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(TodoDbContext).Assembly);
    }
}
