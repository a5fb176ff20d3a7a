using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LogoutEnricher.Benchmarks.Load;

/// <summary>The fake provider's JWKS document, served again over HTTPS (throwaway certificate, loopback) for mod_auth_openidc.</summary>
internal sealed class TlsJwks(WebApplication app, Uri url) : IAsyncDisposable
{
    public Uri Url { get; } = url;

    public static async Task<TlsJwks> StartAsync(Uri source)
    {
        using (var http = new HttpClient())
        {
            var document = await http.GetStringAsync(source);
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
            var app = builder.Build();
            app.MapGet("/certs", () => Results.Text(document, "application/json"));
            await app.StartAsync();
            var address = app.Urls.First();
            return new TlsJwks(app, new Uri(address.TrimEnd('/') + "/certs"));
        }
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();
}
