using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LogoutEnricher.Testing;

namespace LogoutEnricher.Benchmarks.Load;

/// <summary>
/// The anchor of the logout path: Apache httpd with mod_auth_openidc (Debian's <c>apache2</c> and
/// <c>libapache2-mod-auth-openidc</c>), loopback only, as a relying party of the same fake provider, receiving the same
/// logout tokens at its back-channel logout endpoint (<c>redirect_uri?logout=backchannel</c>). It validates each
/// token (RS256 signature against the provider's JWKS, iss, aud, iat, events, jti replay in its shm cache) and looks
/// up the session by sid. Runs as one process (<c>-X</c>), so that its CPU time is one /proc reading.
/// </summary>
internal sealed class ModAuthOpenidc : IAsyncDisposable
{
    public const string Binary = "/usr/sbin/apache2";
    public const string Module = "/usr/lib/apache2/modules/mod_auth_openidc.so";

    private readonly Process _process;
    private readonly string _directory;

    private readonly TlsJwks _jwks;

    private ModAuthOpenidc(Process process, string directory, Uri logoutUrl, TlsJwks jwks)
    {
        _jwks = jwks;
        _process = process;
        _directory = directory;
        LogoutUrl = logoutUrl;
    }

    /// <summary>Where the provider sends a back-channel logout to this relying party.</summary>
    public Uri LogoutUrl { get; }

    public int ProcessId => _process.Id;

    /// <summary>The packaged version, e.g. <c>2.4.12.3-2+deb12u5</c>.</summary>
    public static string Version() => Run("dpkg-query", "-W", "-f=${Version}", "libapache2-mod-auth-openidc");

    public static bool IsInstalled => File.Exists(Binary) && File.Exists(Module);

    public static async Task<ModAuthOpenidc> StartAsync(FakeKeycloak keycloak, string clientId)
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException($"{Binary} or {Module} is missing: apt-get install apache2 libapache2-mod-auth-openidc (bench/run.sh does).");
        }

        var directory = Directory.CreateTempSubdirectory("logoutenricher-modauthopenidc-").FullName;
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var modules = "/usr/lib/apache2/modules";
        // Note: mod_auth_openidc accepts only https for the provider's endpoints and JWKS, and the fake provider is
        // plain HTTP on loopback: its JWKS document (the same keys) is served again over TLS with a throwaway
        // certificate (OIDCSSLValidateServer Off, loopback only); it is fetched once and cached. The other endpoints
        // are never called. LogLevel error keeps "no session for this sid" warnings out of the measurement, as
        // LogoutEnricher runs at Warning.
        var jwks = await TlsJwks.StartAsync(new Uri(keycloak.Issuer + "/protocol/openid-connect/certs"));
        var unused = "https://127.0.0.1:1/unused";
        await File.WriteAllTextAsync(Path.Combine(directory, "httpd.conf"), $"""
            ServerRoot {directory}
            ServerName 127.0.0.1
            Listen 127.0.0.1:{port}
            PidFile {directory}/httpd.pid
            ErrorLog {directory}/error.log
            LogLevel error
            LoadModule mpm_event_module {modules}/mod_mpm_event.so
            LoadModule authn_core_module {modules}/mod_authn_core.so
            LoadModule authz_core_module {modules}/mod_authz_core.so
            LoadModule authz_user_module {modules}/mod_authz_user.so
            LoadModule auth_openidc_module {Module}
            ThreadsPerChild 64
            MaxRequestWorkers 64
            KeepAlive On
            MaxKeepAliveRequests 0
            OIDCProviderIssuer {keycloak.Issuer}
            OIDCProviderAuthorizationEndpoint {unused}/auth
            OIDCProviderTokenEndpoint {unused}/token
            OIDCProviderJwksUri {jwks.Url}
            OIDCSSLValidateServer Off
            OIDCProviderBackChannelLogoutSupported On
            OIDCClientID {clientId}
            OIDCClientSecret secret
            OIDCRedirectURI {baseUrl}/protected/redirect_uri
            OIDCCryptoPassphrase {Guid.NewGuid():N}
            OIDCCacheType shm
            # Note: the default shm cache size (500 entries); it is scanned linearly, so a larger one costs CPU per token.
            <Location /protected>
              AuthType openid-connect
              Require valid-user
            </Location>
            """);
        var start = new ProcessStartInfo(Binary, ["-X", "-d", directory, "-f", Path.Combine(directory, "httpd.conf")])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("apache2 did not start");
        var anchor = new ModAuthOpenidc(process, directory, new Uri($"{baseUrl}/protected/redirect_uri?logout=backchannel"), jwks);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return anchor;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
            catch (SocketException)
            {
                var log = File.Exists(Path.Combine(directory, "error.log")) ? await File.ReadAllTextAsync(Path.Combine(directory, "error.log")) : "";
                var stderr = process.HasExited ? await process.StandardError.ReadToEndAsync() : "";
                await anchor.DisposeAsync();
                throw new InvalidOperationException("apache2 with mod_auth_openidc did not start: " + stderr + log);
            }
        }
    }

    /// <summary>The last lines of Apache's error log, for a failure message.</summary>
    public string ErrorLogTail()
    {
        var path = Path.Combine(_directory, "error.log");
        return File.Exists(path) ? string.Join('\n', File.ReadLines(path).TakeLast(10)) : "";
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        await _jwks.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Run(string file, params string[] arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, UseShellExecute = false })!;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return output;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
