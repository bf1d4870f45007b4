using Microsoft.EntityFrameworkCore;

namespace Todo.Domain.Persistence;

/// <summary>
/// The shared unit of persistence for one entity type: find by id, add, update, remove, save.
/// Finding by id is protected so that a repository whose entities have owners can offer only owner-scoped look-ups.
/// </summary>
public abstract class Repository<TEntity>(TodoDbContext db)
    where TEntity : class
{
    protected TodoDbContext Db { get; } = db;

    protected DbSet<TEntity> Entities => Db.Set<TEntity>();

    public void Add(TEntity entity) => Entities.Add(entity);

    public void Update(TEntity entity) => Entities.Update(entity);

    public void Remove(TEntity entity) => Entities.Remove(entity);

    public virtual Task SaveChangesAsync(CancellationToken cancellationToken) => Db.SaveChangesAsync(cancellationToken);

    /// <summary>
    /// Saves, unless a row this context changes or removes was changed (its concurrency token moved on) or deleted
    /// by someone else since it was read: then nothing is saved, the context forgets every entity it tracked, and the
    /// answer is false. Which of the two happened is for the caller to find out, by reading again.
    /// </summary>
    public async Task<bool> TrySaveChangesAsync(CancellationToken cancellationToken)
    {
        try
        {
            await SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            Db.ChangeTracker.Clear();
            return false;
        }
    }

    protected ValueTask<TEntity?> FindByIdAsync(int id, CancellationToken cancellationToken) =>
        Entities.FindAsync([id], cancellationToken);
}
