using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Todo.Api.Infrastructure;
using Todo.Domain.Persistence;
using Todo.Migrations.Sqlite.CompiledModel;
using Todo.Tests.Api;
using Todo.Tests.Support;

namespace Todo.Tests.Domain;

/// <summary>The application runs SQLite on the compiled model: it must describe what OnModelCreating builds.</summary>
public sealed class CompiledModelTests
{
    private const string Regenerate =
        "The compiled model is stale. Run: dotnet ef dbcontext optimize --project Migrations/Sqlite --startup-project Todo.Api --output-dir CompiledModel --namespace Todo.Migrations.Sqlite.CompiledModel";

    [Fact]
    public async Task The_compiled_SQLite_model_matches_the_model_built_at_run_time()
    {
        using var database = new TempSqliteDatabase();
        await using var built = database.CreateContext();
        await using var compiled = new TodoDbContext(new DbContextOptionsBuilder<TodoDbContext>()
            .UseSqlite(database.ConnectionString, sqlite => sqlite.MigrationsAssembly(DatabaseSetup.SqliteMigrationsAssembly))
            .UseModel(TodoDbContextModel.Instance)
            .Options);

        var expected = Describe(built.Model);
        var actual = Describe(compiled.Model);

        Assert.True(expected.SequenceEqual(actual), $"{Regenerate}\nOnly built: {string.Join("; ", expected.Except(actual))}\nOnly compiled: {string.Join("; ", actual.Except(expected))}");
    }

    [Fact]
    public async Task The_application_uses_the_compiled_model_on_SQLite()
    {
        using var app = TodoApplication.Create(DatabaseProvider.Sqlite);
        await using var scope = app.Services.CreateAsyncScope();

        Assert.Same(TodoDbContextModel.Instance, scope.ServiceProvider.GetRequiredService<TodoDbContext>().Model);
    }

    private static List<string> Describe(IModel model)
    {
        var lines = new List<string>();
        foreach (var entity in model.GetEntityTypes())
        {
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            lines.Add($"{entity.Name} table {table.DisplayName()}");
            lines.AddRange(entity.GetProperties().Select(p =>
                $"{entity.Name}.{p.Name} {p.ClrType} column={p.GetColumnName(table)} type={p.GetColumnType(table)} nullable={p.IsNullable} " +
                $"max={p.GetMaxLength()} generated={p.ValueGenerated} token={p.IsConcurrencyToken} shadow={p.IsShadowProperty()} " +
                $"converter={p.GetValueConverter()?.GetType().Name} default={p.GetDefaultValueSql(table)}"));
            lines.AddRange(entity.GetKeys().Select(k => $"{entity.Name} key {Names(k.Properties)} primary={k.IsPrimaryKey()}"));
            lines.AddRange(entity.GetIndexes().Select(i => $"{entity.Name} index {i.GetDatabaseName(table)} {Names(i.Properties)} unique={i.IsUnique} filter={i.GetFilter(table)}"));
            lines.AddRange(entity.GetForeignKeys().Select(f =>
                $"{entity.Name} foreign key {Names(f.Properties)} -> {f.PrincipalEntityType.Name} {Names(f.PrincipalKey.Properties)} delete={f.DeleteBehavior} required={f.IsRequired}"));
            lines.AddRange(entity.GetNavigations().Select(n => $"{entity.Name} navigation {n.Name} -> {n.TargetEntityType.Name}"));
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static string Names(IEnumerable<IReadOnlyProperty> properties) => string.Join(",", properties.Select(p => p.Name));
}
