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
    /// Saves, unless a row this context changes or removes was deleted by someone else since it was read:
    /// then nothing is saved and the answer is false (for the caller, the entity is simply gone).
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
