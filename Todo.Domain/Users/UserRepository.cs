using Microsoft.EntityFrameworkCore;
using Todo.Domain.Persistence;

namespace Todo.Domain.Users;

public sealed class UserRepository(TodoDbContext db) : Repository<User>(db)
{
    public ValueTask<User?> FindAsync(int id, CancellationToken cancellationToken) => FindByIdAsync(id, cancellationToken);

    public Task<User?> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        var normalized = EmailAddress.Normalize(email);
        return Entities.SingleOrDefaultAsync(user => user.NormalizedEmail == normalized, cancellationToken);
    }

    /// <exception cref="DuplicateEmailException">
    /// The address is already registered. The unique index on the normalised address decides, so races are safe;
    /// which provider's error it raised does not matter: after a failed insert, the address being taken is the answer.
    /// </exception>
    public override async Task SaveChangesAsync(CancellationToken cancellationToken)
    {
        try
        {
            await base.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception)
        {
            var added = exception.Entries.Select(entry => entry.Entity).OfType<User>().Select(user => user.NormalizedEmail).ToList();
            foreach (var entry in exception.Entries)
            {
                entry.State = EntityState.Detached;
            }

            if (added.Count > 0 && await Entities.AnyAsync(user => added.Contains(user.NormalizedEmail), cancellationToken))
            {
                throw new DuplicateEmailException("An account with this email already exists.", exception);
            }

            throw;
        }
    }
}
