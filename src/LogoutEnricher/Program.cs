using LogoutEnricher.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.AddLogoutEnricherLogging();
builder.Services.AddLogoutEnricher(builder.Configuration);

var app = builder.Build();

app.MapLogoutEnricher();

app.Run();

/// <summary>Entry point; public so that tests can host it with WebApplicationFactory.</summary>
public partial class Program;
