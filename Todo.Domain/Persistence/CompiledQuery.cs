using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Todo.Domain.Persistence;

/// <summary>
/// A query compiled once (<c>EF.CompileAsyncQuery</c>) for each model it meets: EF Core then neither walks the
/// expression tree nor looks it up in its query cache on each call. A compiled query refuses a context of another
/// model, and one process can hold several (the tests run SQLite and PostgreSQL side by side), hence one per model.
/// </summary>
internal sealed class CompiledQuery<TQuery>(Func<TQuery> compile)
    where TQuery : class
{
    private readonly ConditionalWeakTable<IModel, TQuery> _compiled = [];

    // Made once: a lambda written at the call would be a new delegate on every query.
    private readonly ConditionalWeakTable<IModel, TQuery>.CreateValueCallback _compile = _ => compile();

    public TQuery For(DbContext db) => _compiled.GetValue(db.Model, _compile);
}
