using System.Globalization;
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
[Route(Path)]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
public sealed class TodosController(TodoService todos, TodoApiMetrics metrics) : ControllerBase
{
    private const string Path = "todos";

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
    [EndpointDescription("One of the signed-in user's todos, with its ETag; 304 without a body when If-None-Match names that ETag. Another user's todo, or an id that is not a positive integer, is 404.")]
    [HttpHead(IdRoute)]
    [ProducesResponseType<TodoResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status304NotModified)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<ActionResult<TodoResponse>> Get(int id, CancellationToken cancellationToken)
    {
        if (await todos.FindAsync(User.GetUserId(), id, cancellationToken) is not { } todo)
        {
            return NotFound();
        }

        Response.Headers.ETag = TodoETags.For(todo);
        return TodoETags.NoneMatchNames(Request, todo) ? StatusCode(StatusCodes.Status304NotModified) : TodoResponse.From(todo);
    }

    [HttpPost(Name = "createTodo")]
    [EndpointSummary("Create a todo")]
    [EndpointDescription("Creates a todo for the signed-in user; Location names it. id, createdAt and updatedAt in the body are ignored.")]
    [Consumes("application/json")]
    [ProducesResponseType<TodoResponse>(StatusCodes.Status201Created)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<ActionResult<TodoResponse>> Create(CreateTodoRequest request, CancellationToken cancellationToken)
    {
        if (await todos.CreateAsync(User.GetUserId(), request.Title!, request.Completed, cancellationToken) is not { } todo)
        {
            // The account was deleted while this request ran: its token is no longer good (the bearer challenge, 401).
            return Challenge();
        }

        metrics.TodoCreated();
        Response.Headers.ETag = TodoETags.For(todo);
        // A path, not an absolute URL: behind API Gateway the host the app sees is not the one the client used. Written
        // out rather than asked of the link generator, whose walk of the route templates was 3 % of a create.
        return Created(string.Create(CultureInfo.InvariantCulture, $"{Request.PathBase.ToUriComponent()}/{Path}/{todo.Id}"), TodoResponse.From(todo));
    }

    [HttpPut(IdRoute, Name = "replaceTodo")]
    [EndpointSummary("Replace a todo")]
    [EndpointDescription("Replaces the title and the completed flag of a todo; both are required. With If-Match, only while the todo's ETag is one it names.")]
    [Consumes("application/json")]
    [ProducesResponseType<TodoResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status412PreconditionFailed, "application/problem+json")]
    public async Task<ActionResult<TodoResponse>> Replace(int id, ReplaceTodoRequest request, CancellationToken cancellationToken) =>
        Answer(await todos.UpdateAsync(User.GetUserId(), id, request.Title!, request.Completed!.Value, TodoETags.AcceptedBy(Request), cancellationToken));

    [HttpPatch(IdRoute, Name = "updateTodo")]
    [EndpointSummary("Change a todo")]
    [EndpointDescription("Changes the fields present in the body; absent fields are left as they are, an explicit null is 400. With If-Match, only while the todo's ETag is one it names.")]
    [Consumes("application/json")]
    [ProducesResponseType<TodoResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status412PreconditionFailed, "application/problem+json")]
    public async Task<ActionResult<TodoResponse>> Update(int id, UpdateTodoRequest request, CancellationToken cancellationToken) =>
        Answer(await todos.UpdateAsync(User.GetUserId(), id, request.Title, request.Completed, TodoETags.AcceptedBy(Request), cancellationToken));

    [HttpDelete(IdRoute, Name = "deleteTodo")]
    [EndpointSummary("Delete a todo")]
    [EndpointDescription("Deletes one of the signed-in user's todos. With If-Match, only while the todo's ETag is one it names.")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status412PreconditionFailed, "application/problem+json")]
    public async Task<IActionResult> Delete(int id, CancellationToken cancellationToken)
    {
        var deleted = await todos.DeleteAsync(User.GetUserId(), id, TodoETags.AcceptedBy(Request), cancellationToken);
        if (deleted.Status != TodoChangeStatus.Done)
        {
            return Refusal(deleted);
        }

        metrics.TodoDeleted();
        return NoContent();
    }

    /// <summary>The answer to a change: the todo with its new ETag, or why nothing was changed.</summary>
    private ActionResult<TodoResponse> Answer(TodoChange change) =>
        change.Status == TodoChangeStatus.Done ? WithETag(change.Todo!) : Refusal(change);

    private ActionResult Refusal(TodoChange change) => change.Status switch
    {
        TodoChangeStatus.NotFound => NotFound(),
        TodoChangeStatus.VersionNotAccepted => Problem(
            statusCode: StatusCodes.Status412PreconditionFailed,
            title: TodoProblems.PreconditionFailedTitle,
            detail: TodoProblems.PreconditionFailedDetail),
        _ => Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: TodoProblems.ContendedTitle,
            detail: TodoProblems.ContendedDetail),
    };

    private TodoResponse WithETag(TodoItem todo)
    {
        Response.Headers.ETag = TodoETags.For(todo);
        return TodoResponse.From(todo);
    }
}
