using Todo.Domain.Todos;

namespace Todo.Api.Todos;

public static class TodosSetup
{
    public static IServiceCollection AddTodos(this IServiceCollection services)
    {
        services.AddScoped<TodoService>();
        return services;
    }
}
