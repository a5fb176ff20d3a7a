namespace LogoutEnricher.Operations.Telemetry;

/// <summary>Metrics and traces, bound from <c>LogoutEnricher:Telemetry</c>.</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "LogoutEnricher:Telemetry";

    /// <summary>Serve Prometheus metrics at <see cref="PrometheusPath"/>. Default: true.</summary>
    public bool PrometheusEnabled { get; set; } = true;

    /// <summary>Where Prometheus scrapes. Default: <c>/metrics</c>.</summary>
    public string PrometheusPath { get; set; } = "/metrics";

    /// <summary>
    /// An OTLP collector (e.g. <c>http://otel-collector:4317</c>) that receives metrics and traces. Default: none;
    /// the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable works as well.
    /// </summary>
    public Uri? OtlpEndpoint { get; set; }
}
