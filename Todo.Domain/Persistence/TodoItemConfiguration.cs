using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Todo.Domain.Todos;
using Todo.Domain.Users;

namespace Todo.Domain.Persistence;

internal sealed class TodoItemConfiguration : IEntityTypeConfiguration<TodoItem>
{
    public void Configure(EntityTypeBuilder<TodoItem> builder)
    {
        builder.ToTable("Todos");
        builder.HasKey(todo => todo.Id);
        builder.Property(todo => todo.Title).HasMaxLength(TodoItem.MaxTitleLength).IsRequired();
        // Every UPDATE and DELETE of a todo says "... AND Version = <the version read>", so a write based on a stale
        // read changes nothing and fails instead of overwriting someone else's change.
        builder.Property(todo => todo.Version).IsConcurrencyToken();
        builder.HasOne<User>().WithMany().HasForeignKey(todo => todo.OwnerId).OnDelete(DeleteBehavior.Cascade);

        // Serves every list query: one owner's todos, optionally filtered, in id order.
        builder.HasIndex(todo => new { todo.OwnerId, todo.Id });
    }
}
