using Todo.Lambda;

namespace Todo.Api;

/// <summary>
/// The class-library handler for the managed <c>dotnet10</c> runtime:
/// <c>Todo.Api::Todo.Api.LambdaEntryPoint::FunctionHandlerAsync</c>. The template's default is the executable
/// handler (<c>Todo.Api</c>), which needs no class: the program serves the Runtime API itself.
/// </summary>
public sealed class LambdaEntryPoint() : LambdaFunction(args => Program.CreateApplication(args));
