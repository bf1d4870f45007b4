using Todo.Domain.Todos;

namespace Todo.Tests.Domain;

public sealed class TodoItemTests
{
    private static readonly DateTime Created = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_new_todo_has_a_trimmed_title_and_equal_timestamps()
    {
        var todo = new TodoItem(1, "  write tests \t", completed: false, Created);

        Assert.Equal("write tests", todo.Title);
        Assert.Equal(Created, todo.CreatedAt);
        Assert.Equal(Created, todo.UpdatedAt);
    }

    [Fact]
    public void Updating_changes_only_the_given_fields_and_moves_updatedAt()
    {
        var todo = new TodoItem(1, "title", completed: false, Created);
        var later = Created.AddMinutes(5);

        todo.Update(title: null, completed: true, later);

        Assert.Equal("title", todo.Title);
        Assert.True(todo.Completed);
        Assert.Equal(Created, todo.CreatedAt);
        Assert.Equal(later, todo.UpdatedAt);
    }

    [Fact]
    public void Every_change_gives_a_new_version_and_no_two_todos_start_with_the_same_one()
    {
        var todo = new TodoItem(1, "title", completed: false, Created);
        var versions = new HashSet<long> { todo.Version, new TodoItem(1, "title", completed: false, Created).Version };

        for (var change = 0; change < 100; change++)
        {
            todo.Update(title: null, completed: null, Created);
            Assert.True(versions.Add(todo.Version), $"change {change} reused a version");
        }
    }
}
