using System.Text.Json.Serialization;
using Todo.Api.Auth;
using Todo.Api.Todos;

namespace Todo.Api.Infrastructure;

/// <summary>
/// The response bodies' JSON, generated at build time: written straight by generated code instead of through
/// metadata the serializer builds by reflection, and IL-emitted accessors, at the first response of each type (a cold
/// start's first list and login) and walks on every one after. The options match the controllers' (camelCase,
/// nothing ignored), which lets the serializer take the generated fast path; request bodies are still read through
/// the reflection metadata (<see cref="StrictJsonInputFormatter"/>).
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, GenerationMode = JsonSourceGenerationMode.Default)]
[JsonSerializable(typeof(TodoResponse))]
[JsonSerializable(typeof(TodoListResponse))]
[JsonSerializable(typeof(UserResponse))]
[JsonSerializable(typeof(AccessTokenResponse))]
internal sealed partial class ResponseJsonContext : JsonSerializerContext;
