using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Todo.Domain.Users;

namespace Todo.Domain.Persistence;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.ToTable("Users");
        builder.HasKey(user => user.Id);
        builder.Property(user => user.Email).HasMaxLength(User.MaxEmailLength).IsRequired();
        builder.Property(user => user.NormalizedEmail).HasMaxLength(User.MaxEmailLength).IsRequired();
        builder.Property(user => user.PasswordHash).IsRequired();
        builder.HasIndex(user => user.NormalizedEmail).IsUnique();

        // Written only by the todo triggers (see the AddTodoCounts migrations): EF Core never sends them.
        foreach (var count in new[] { nameof(User.TodoCount), nameof(User.CompletedTodoCount) })
        {
            var property = builder.Property<int>(count).Metadata;
            property.SetBeforeSaveBehavior(PropertySaveBehavior.Ignore);
            property.SetAfterSaveBehavior(PropertySaveBehavior.Ignore);
        }
    }
}
