using System.Text.Json;
using System.Text.Json.Serialization;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;

namespace Todo.Api.Infrastructure;

public static class ControllerSetup
{
    public static IServiceCollection AddApiControllers(this IServiceCollection services)
    {
        services.Configure<RouteOptions>(options =>
            options.SetParameterPolicy<PositiveIdRouteConstraint>(PositiveIdRouteConstraint.Name));
        services.AddControllers(options =>
            {
                options.Filters.Add<FluentValidationFilter>();
                options.SuppressAsyncSuffixInActionNames = false;
            })
            .ConfigureApiBehaviorOptions(options =>
                options.InvalidModelStateResponseFactory = ModelStateProblemFactory.Create)
            .AddJsonOptions(options =>
            {
                var json = options.JsonSerializerOptions;
                json.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
                json.NumberHandling = JsonNumberHandling.Strict;
                json.DefaultIgnoreCondition = JsonIgnoreCondition.Never;

                // {"title":"a","title":"b"} means two things at once: refuse it rather than let the last one win.
                json.AllowDuplicateProperties = false;

                // Parser messages name .NET types; clients get a plain sentence instead.
                options.AllowInputFormatterExceptionMessages = false;
            });

        // The OpenAPI generator reads these (minimal-API) options: keep its schemas as strict as the binder.
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);
        services.AddValidatorsFromAssemblyContaining<FluentValidationFilter>(ServiceLifetime.Singleton);
        return services;
    }
}
