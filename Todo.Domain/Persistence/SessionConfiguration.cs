using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Todo.Domain.Sessions;
using Todo.Domain.Users;

namespace Todo.Domain.Persistence;

internal sealed class SessionConfiguration : IEntityTypeConfiguration<Session>, IEntityTypeConfiguration<RefreshToken>
{
    public void Configure(EntityTypeBuilder<Session> builder)
    {
        builder.ToTable("Sessions");
        builder.HasKey(session => session.Id);
        builder.Property(session => session.Id).ValueGeneratedNever();

        // Deleting a user ends their sessions in the same statement.
        builder.HasOne<User>().WithMany().HasForeignKey(session => session.UserId).OnDelete(DeleteBehavior.Cascade);

        // Serves the prune of expired sessions; the foreign key's index serves "every session of a user".
        builder.HasIndex(session => session.ExpiresAt);
    }

    public void Configure(EntityTypeBuilder<RefreshToken> builder)
    {
        builder.ToTable("RefreshTokens");
        builder.HasKey(token => token.Hash);
        builder.Property(token => token.Hash).HasMaxLength(RefreshToken.HashBytes);
        builder.HasOne<Session>().WithMany().HasForeignKey(token => token.SessionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(token => new { token.SessionId, token.Generation });
    }
}
