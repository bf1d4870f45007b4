using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Todo.Domain.Persistence;

namespace Todo.Domain.Users;

public sealed class UserRepository(TodoDbContext db) : Repository<User>(db)
{
    private const int SqliteConstraintUnique = 2067;

    public ValueTask<User?> FindAsync(int id, CancellationToken cancellationToken) => FindByIdAsync(id, cancellationToken);

    public Task<User?> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        var normalized = EmailAddress.Normalize(email);
        return Entities.SingleOrDefaultAsync(user => user.NormalizedEmail == normalized, cancellationToken);
    }

    /// <exception cref="DuplicateEmailException">The address is already registered (decided by the unique index, so races are safe).</exception>
    public override async Task SaveChangesAsync(CancellationToken cancellationToken)
    {
        try
        {
            await base.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.InnerException is SqliteException { SqliteExtendedErrorCode: SqliteConstraintUnique })
        {
            foreach (var entry in exception.Entries)
            {
                entry.State = EntityState.Detached;
            }

            throw new DuplicateEmailException("An account with this email already exists.", exception);
        }
    }
}
