using Microsoft.EntityFrameworkCore;
using Todo.Domain.Persistence;
using Todo.Domain.Sessions;

namespace Todo.Domain.Users;

public sealed class UserRepository(TodoDbContext db, LiveSessions live) : Repository<User>(db)
{
    public ValueTask<User?> FindAsync(int id, CancellationToken cancellationToken) => FindByIdAsync(id, cancellationToken);

    /// <summary>
    /// The user with this address (any case), not tracked. In SQL (<see cref="RawSql"/>): it is the first query of
    /// most logins, and in a fresh process the first query of all.
    /// </summary>
    public async Task<User?> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        var rows = await Db.QueryAsync(
            """
            SELECT "Id", "Email", "NormalizedEmail", "PasswordHash", "CreatedAt", "TodoCount", "CompletedTodoCount"
            FROM "Users" WHERE "NormalizedEmail" = {0}
            """,
            [EmailAddress.Normalize(email)],
            static row => User.FromRow(
                row.GetInt32(0), row.GetString(1), row.GetString(2), row.GetString(3), row.GetUtcDateTime(4), row.GetInt32(5), row.GetInt32(6)),
            cancellationToken);
        return rows.SingleOrDefault();
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
