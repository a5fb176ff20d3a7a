using LogoutEnricher.Hosting;
using LogoutEnricher.Hosting.Startup;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Operations.AdminApi;

var builder = WebApplication.CreateBuilder(args);

// A configuration mistake prints one readable block and exits with code 1 (no stack trace).
return StartupGuard.Run("LogoutEnricher", () => builder.Configuration, () =>
{
    builder.AddLogoutEnricherLogging();
    builder.Services.AddLogoutEnricher(builder.Configuration);

    var app = builder.Build();

    // The request pipeline. Routing runs first (the host inserts it), so the middleware below sees the matched
    // endpoint: body limits come from endpoint metadata (WithRequestBodyLimit, applied by routing; Kestrel's default is
    // the small limit of LogoutEnricher's own routes), rate limits from RequireRateLimiting on the logout and token routes.
    // Each request waits at most Storage:RequestWaitLimit in all for a busy store (below Keycloak's 5 s timeout).
    app.UseStorageWaitBudget();
    app.UseRateLimiter();
    app.UseAdminProblemDetails();
    app.MapLogoutEnricher();
    return app;
});

/// <summary>Entry point; public so that tests can host it with WebApplicationFactory.</summary>
public partial class Program;
