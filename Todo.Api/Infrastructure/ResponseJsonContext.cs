using System.Text.Json.Serialization;
using Todo.Api.Auth;
using Todo.Api.Todos;

namespace Todo.Api.Infrastructure;

/// <summary>
/// The response bodies' JSON, generated at build time. Without it the serializer builds a type's metadata by
/// reflection at its first response, IL-emitting the accessors (which a cold start's first <c>/health</c>, list and
/// login pay for), and walks that metadata for every response after; generated code writes the properties directly.
/// The options match the controllers' (camelCase, nothing ignored), so the serializer takes that fast path. Request
/// bodies are still read through reflection metadata (<see cref="StrictJsonInputFormatter"/>).
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, GenerationMode = JsonSourceGenerationMode.Default)]
[JsonSerializable(typeof(TodoResponse))]
[JsonSerializable(typeof(TodoListResponse))]
[JsonSerializable(typeof(UserResponse))]
[JsonSerializable(typeof(AccessTokenResponse))]
[JsonSerializable(typeof(HealthResponse))]
internal sealed partial class ResponseJsonContext : JsonSerializerContext;
