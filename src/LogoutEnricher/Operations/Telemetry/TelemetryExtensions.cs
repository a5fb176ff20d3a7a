using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LogoutEnricher.Operations.Telemetry;

internal static class TelemetryExtensions
{
    /// <summary>
    /// The meter and activity source, with ASP.NET Core and HttpClient instrumentation so incoming and outgoing spans
    /// link; Prometheus at <c>/metrics</c>, OTLP when an endpoint is configured.
    /// </summary>
    public static IServiceCollection AddLogoutEnricherTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName);
        services.AddSingleton<OutboxGauges>();
        services.AddSingleton<LogoutEnricherMetrics>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<ScrapeGate>();

        // Note: with only OTEL_EXPORTER_OTLP_ENDPOINT set, the exporter reads it (and OTEL_EXPORTER_OTLP_PROTOCOL) itself.
        var otlp = options.OtlpEndpoint;
        var otlpEnabled = otlp is not null || !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("logoutenricher"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(LogoutEnricherMetrics.MeterName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (options.PrometheusEnabled)
                {
                    metrics.AddPrometheusExporter();
                }

                if (otlpEnabled)
                {
                    metrics.AddOtlpExporter(exporter => Configure(exporter, otlp, "v1/metrics"));
                }
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(LogoutEnricherActivities.SourceName)
                    .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal))
                    .AddHttpClientInstrumentation();
                if (otlpEnabled)
                {
                    tracing.AddOtlpExporter(exporter => Configure(exporter, otlp, "v1/traces"));
                }
            });
        return services;
    }

    public static IEndpointRouteBuilder MapLogoutEnricherTelemetry(this IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<TelemetryOptions>>().Value;
        if (options.PrometheusEnabled)
        {
            var gate = endpoints.ServiceProvider.GetRequiredService<ScrapeGate>();
            endpoints.MapPrometheusScrapingEndpoint(options.PrometheusPath, meterProvider: null,
                configureBranchedPipeline: scrape => scrape.Use(gate.InvokeAsync), optionsName: null);
        }

        return endpoints;
    }

    private static void Configure(OtlpExporterOptions exporter, Uri? endpoint, string signalPath)
    {
        if (endpoint is null)
        {
            return;
        }

        // Note: 4318 is the OTLP/HTTP port by convention, anything else is taken as gRPC (4317). An endpoint set in
        // code is used as is, so OTLP/HTTP needs the signal's path appended here.
        exporter.Protocol = endpoint.Port == 4318 ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        exporter.Endpoint = exporter.Protocol == OtlpExportProtocol.HttpProtobuf ? new Uri(endpoint, signalPath) : endpoint;
    }
}
