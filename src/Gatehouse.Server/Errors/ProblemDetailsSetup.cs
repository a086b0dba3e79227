using Microsoft.AspNetCore.Diagnostics;

namespace Gatehouse.Server.Errors;

/// <summary>Every error is RFC 9457 problem details with a stable <c>code</c> and the trace id.</summary>
internal static class ProblemDetailsSetup
{
    public static IServiceCollection AddGatehouseProblemDetails(this IServiceCollection services) =>
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            var pd = ctx.ProblemDetails;
            var status = pd.Status ?? ctx.HttpContext.Response.StatusCode;
            if (!pd.Extensions.ContainsKey("code"))
            {
                var antiforgery = ctx.HttpContext.Features.Get<Microsoft.AspNetCore.Antiforgery.IAntiforgeryValidationFeature>();
                var code = ctx.Exception switch
                {
                    BadHttpRequestException b when b.StatusCode == 413 => ProblemCodes.TooLarge,
                    _ when antiforgery is { IsValid: false } => ProblemCodes.Antiforgery,
                    _ => ProblemCodes.ForStatus(status),
                };
                pd.Extensions["code"] = code;
            }
            var c = (string)pd.Extensions["code"]!;
            if (pd.Type is null || pd.Type.StartsWith("https://tools.ietf.org", StringComparison.Ordinal))
                pd.Type = ProblemCodes.TypeFor(c);
            pd.Extensions["traceId"] = ctx.HttpContext.TraceIdentifier;
            // Never echo exception text to callers; it is logged server-side.
            if (status >= 500) pd.Detail = null;
        });

    public static WebApplication UseGatehouseProblemDetails(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = ex => ex switch
            {
                BadHttpRequestException b => b.StatusCode,
                _ => StatusCodes.Status500InternalServerError,
            },
        });
        app.UseStatusCodePages();
        return app;
    }
}
