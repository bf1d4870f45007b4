using System.Text.Json;
using System.Text.Json.Serialization;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Mvc.Formatters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.Options;

namespace Todo.Api.Infrastructure;

public static class ControllerSetup
{
    public static IServiceCollection AddApiControllers(this IServiceCollection services)
    {
        services.Configure<RouteOptions>(options =>
            options.SetParameterPolicy<PositiveIdRouteConstraint>(PositiveIdRouteConstraint.Name));
        // Without a manager of its own, MVC finds its application parts at start-up by reading the dependency
        // manifest and loading every assembly that references MVC, then scans all of their types for controllers;
        // the API's controllers are all in this assembly.
        services.AddSingleton(new ApplicationPartManager { ApplicationParts = { new AssemblyPart(typeof(ControllerSetup).Assembly) } });
        services.AddControllers(options =>
            {
                options.Filters.Add(new FluentValidationFilter());
                options.SuppressAsyncSuffixInActionNames = false;

                // Arguments come from the route, the query or a JSON body, never from a form. The form providers
                // looked for one on every request (each parsing Content-Type to find none): 0.9 % of a get's CPU.
                options.ValueProviderFactories.RemoveType<FormValueProviderFactory>();
                options.ValueProviderFactories.RemoveType<JQueryFormValueProviderFactory>();
                options.ValueProviderFactories.RemoveType<FormFileValueProviderFactory>();
            })
            .ConfigureApiBehaviorOptions(options =>
                options.InvalidModelStateResponseFactory = ModelStateProblemFactory.Create)
            .AddJsonOptions(options =>
            {
                var json = options.JsonSerializerOptions;
                json.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
                json.NumberHandling = JsonNumberHandling.Strict;
                json.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
                json.TypeInfoResolverChain.Insert(0, ResponseJsonContext.Default);

                // {"title":"a","title":"b"} would otherwise be "b": whichever copy a proxy, a log or a WAF looked at,
                // the API might act on the other one (the contract makes it a 400). StrictJsonInputFormatter also
                // covers the parts of a body the serializer skips.
                json.AllowDuplicateProperties = false;

                // Parser messages name .NET types; clients get a plain sentence instead.
                options.AllowInputFormatterExceptionMessages = false;
            });

        services.AddOptions<MvcOptions>().Configure<IOptions<JsonOptions>, ILogger<SystemTextJsonInputFormatter>>((mvc, json, logger) =>
        {
            var reader = mvc.InputFormatters.OfType<SystemTextJsonInputFormatter>().Single();
            mvc.InputFormatters[mvc.InputFormatters.IndexOf(reader)] = new StrictJsonInputFormatter(json.Value, logger);
            var writer = mvc.OutputFormatters.OfType<SystemTextJsonOutputFormatter>().Single();
            mvc.OutputFormatters[mvc.OutputFormatters.IndexOf(writer)] = new BufferedJsonOutputFormatter(json.Value.JsonSerializerOptions);
        });

        // The OpenAPI generator reads these (minimal-API) options: keep its schemas as strict as the binder.
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            options.SerializerOptions.AllowDuplicateProperties = false;
        });
        services.AddValidatorsFromAssemblyContaining<FluentValidationFilter>(ServiceLifetime.Singleton);

        // Before the action filters run, MVC walks every bound argument for DataAnnotations. A type FluentValidation
        // validates carries none (FluentValidationFilter validates it), so the walk through its properties found
        // nothing; the walk was 1.5 % of a list's or a create's CPU, 1 % now that only the top level is visited (and
        // marked valid, as ModelState needs).
        var validatedTypes = services
            .Where(service => service.ServiceType.IsGenericType && service.ServiceType.GetGenericTypeDefinition() == typeof(IValidator<>))
            .Select(service => service.ServiceType.GenericTypeArguments[0])
            .ToArray();
        services.Configure<MvcOptions>(options =>
        {
            foreach (var type in validatedTypes)
            {
                options.ModelMetadataDetailsProviders.Add(new SuppressChildValidationMetadataProvider(type));
            }
        });

        // [Consumes] is also endpoint metadata (IAcceptsMetadata), which routing's AcceptsMatcherPolicy answers with 415
        // while it picks the endpoint, before authorization runs: a request without a token got 415 for a text/plain
        // body instead of the 401 that comes first. Without that policy, ConsumesAttribute still answers 415 as a
        // resource filter, after authorization, and still feeds the OpenAPI document's request content types. No two
        // endpoints share a route and method with different content types, so routing (404, 405) never needed it, and
        // no minimal-API endpoint declares what it accepts. The type is internal, hence its name. (AddRouting, which
        // registers it, has run by now: WebApplication.CreateBuilder and AddControllers both call it.)
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(MatcherPolicy)
                && services[i].ImplementationType?.FullName == "Microsoft.AspNetCore.Routing.Matching.AcceptsMatcherPolicy")
            {
                services.RemoveAt(i);
            }
        }

        return services;
    }
}
