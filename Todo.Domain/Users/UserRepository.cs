using Microsoft.EntityFrameworkCore;
using Todo.Domain.Persistence;
using Todo.Domain.Sessions;

namespace Todo.Domain.Users;

public sealed class UserRepository(TodoDbContext db, LiveSessions live) : Repository<User>(db)
{
    public ValueTask<User?> FindAsync(int id, CancellationToken cancellationToken) => FindByIdAsync(id, cancellationToken);

    public Task<User?> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        var normalized = EmailAddress.Normalize(email);
        return Entities.SingleOrDefaultAsync(user => user.NormalizedEmail == normalized, cancellationToken);
    }

    /// <summary>A new password hash ends every session of the user, in the same transaction.</summary>
    public Task ChangePasswordAsync(int id, string passwordHash, CancellationToken cancellationToken)
    {
        return live.ForgetAfterAsync(ChangeAsync());

        async Task ChangeAsync()
        {
            await using var transaction = await Db.Database.BeginTransactionAsync(cancellationToken);
            await Entities.Where(user => user.Id == id)
                .ExecuteUpdateAsync(user => user.SetProperty(u => u.PasswordHash, passwordHash), cancellationToken);
            await Db.Set<Session>().Where(session => session.UserId == id).ExecuteDeleteAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Deletes the user; their todos, sessions and refresh tokens go in the same statement (cascading foreign keys),
    /// so nothing of the account is left and the email is free again.
    /// </summary>
    public Task DeleteAsync(int id, CancellationToken cancellationToken) =>
        live.ForgetAfterAsync(Entities.Where(user => user.Id == id).ExecuteDeleteAsync(cancellationToken));

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
