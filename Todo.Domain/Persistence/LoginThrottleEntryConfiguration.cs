using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Todo.Domain.Users;

namespace Todo.Domain.Persistence;

internal sealed class LoginThrottleEntryConfiguration : IEntityTypeConfiguration<LoginThrottleEntry>
{
    public void Configure(EntityTypeBuilder<LoginThrottleEntry> builder)
    {
        // LoginThrottleRepository's SQL names the table and its columns: keep them in step.
        builder.ToTable("LoginThrottle");
        builder.HasKey(entry => entry.Key);
        builder.Property(entry => entry.Key).HasMaxLength(LoginThrottleEntry.MaxKeyLength);

        // Serves the prune of closed windows.
        builder.HasIndex(entry => entry.WindowStart);
    }
}
