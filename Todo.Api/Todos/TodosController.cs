using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Todo.Api.Auth;
using Todo.Api.Infrastructure;
using Todo.Api.Telemetry;
using Todo.Domain.Todos;

namespace Todo.Api.Todos;

/// <summary>The signed-in user's todos. Another user's todo is simply not found.</summary>
[ApiController]
[Authorize]
[Route("todos")]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
public sealed class TodosController(TodoService todos, TodoApiMetrics metrics) : ControllerBase
{
    // The route name is also the document's operationId.
    private const string GetRouteName = "getTodo";
    private const string IdRoute = "{id:" + PositiveIdRouteConstraint.Name + "}";

    [HttpGet(Name = "listTodos")]
    [EndpointSummary("List todos")]
    [EndpointDescription("The signed-in user's todos, ordered by id, one page at a time; completed filters. A page past the end is empty with the true totalCount.")]
    [HttpHead]
    [ProducesResponseType<TodoListResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<TodoListResponse> List([FromQuery] ListTodosRequest query, CancellationToken cancellationToken) =>
        TodoListResponse.From(await todos.ListAsync(User.GetUserId(), query.ToQuery(), cancellationToken));

    [HttpGet(IdRoute, Name = GetRouteName)]
    [EndpointSummary("Get a todo")]
    [EndpointDescription("One of the signed-in user's todos. Another user's todo, or an id that is not a positive integer, is 404.")]
    [HttpHead(IdRoute)]
    [ProducesResponseType<TodoResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<ActionResult<TodoResponse>> Get(int id, CancellationToken cancellationToken) =>
        await todos.FindAsync(User.GetUserId(), id, cancellationToken) is { } todo ? TodoResponse.From(todo) : NotFound();

    [HttpPost(Name = "createTodo")]
    [EndpointSummary("Create a todo")]
    [EndpointDescription("Creates a todo for the signed-in user; Location names it. id, createdAt and updatedAt in the body are ignored.")]
    [Consumes("application/json")]
    [ProducesResponseType<TodoResponse>(StatusCodes.Status201Created)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<ActionResult<TodoResponse>> Create(CreateTodoRequest request, CancellationToken cancellationToken)
    {
        var todo = await todos.CreateAsync(User.GetUserId(), request.Title!, request.Completed, cancellationToken);
        metrics.TodoCreated();
        // A path, not an absolute URL: behind API Gateway the host the app sees is not the one the client used.
        return Created(Url.RouteUrl(GetRouteName, new { id = todo.Id }), TodoResponse.From(todo));
    }

    [HttpPut(IdRoute, Name = "replaceTodo")]
    [EndpointSummary("Replace a todo")]
    [EndpointDescription("Replaces the title and the completed flag of a todo; both are required.")]
    [Consumes("application/json")]
    [ProducesResponseType<TodoResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<ActionResult<TodoResponse>> Replace(int id, ReplaceTodoRequest request, CancellationToken cancellationToken) =>
        await todos.UpdateAsync(User.GetUserId(), id, request.Title!, request.Completed!.Value, cancellationToken) is { } todo
            ? TodoResponse.From(todo)
            : NotFound();

    [HttpPatch(IdRoute, Name = "updateTodo")]
    [EndpointSummary("Change a todo")]
    [EndpointDescription("Changes the fields present in the body; absent fields are left as they are, an explicit null is 400.")]
    [Consumes("application/json")]
    [ProducesResponseType<TodoResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<ActionResult<TodoResponse>> Update(int id, UpdateTodoRequest request, CancellationToken cancellationToken) =>
        await todos.UpdateAsync(User.GetUserId(), id, request.Title, request.Completed, cancellationToken) is { } todo
            ? TodoResponse.From(todo)
            : NotFound();

    [HttpDelete(IdRoute, Name = "deleteTodo")]
    [EndpointSummary("Delete a todo")]
    [EndpointDescription("Deletes one of the signed-in user's todos.")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> Delete(int id, CancellationToken cancellationToken)
    {
        if (!await todos.DeleteAsync(User.GetUserId(), id, cancellationToken))
        {
            return NotFound();
        }

        metrics.TodoDeleted();
        return NoContent();
    }
}
