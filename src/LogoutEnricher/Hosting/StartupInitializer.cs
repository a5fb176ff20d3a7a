using LogoutEnricher.Delivery.Signing;
using LogoutEnricher.Diagnostics;
using LogoutEnricher.Protocol.Providers;

namespace LogoutEnricher.Hosting;

/// <summary>
/// Reads the providers' keys in the background from the first moment of the host's start until every issuer's are
/// loaded, and loads the signing key before the host listens (the storage's initializer has created the schema by
/// then): a provider that is down at startup delays readiness, not the process, and readiness follows as soon as the
/// provider answers.
/// </summary>
internal sealed partial class StartupInitializer(
    SigningKeyProvider signingKeys, ProviderKeyCache providerKeys, TimeProvider timeProvider, ILogger<StartupInitializer> logger) : IHostedLifecycleService, IDisposable
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;

    /// <summary>
    /// Note: the host runs every StartingAsync before any StartAsync, and this one before the storage's (it is
    /// registered before the storage): the providers' keys are read from the network while the schema is checked, the
    /// signing key loads and the server starts; only readiness waits for them.
    /// </summary>
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        var stopping = _stopping.Token;
        _ = Task.Run(() => LoadProviderKeysAsync(stopping), CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => signingKeys.InitializeAsync(cancellationToken);

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        // Note: a host may stop its services after the container disposed them; the loop is gone by then. Cancelling
        // runs the registrations of a key fetch still in flight (the HTTP client's own), and one of those finding its
        // objects already disposed must not fail the host's stop: the loop ends either way.
        if (Volatile.Read(ref _disposed) == 0)
        {
            try
            {
                _stopping.Cancel();
            }
            catch (Exception exception) when (exception is ObjectDisposedException or AggregateException)
            {
                // Nothing to report: the host is stopping and the loop ends with it.
            }
        }

        return Task.CompletedTask;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stopping.Cancel();
            _stopping.Dispose();
        }
    }

    /// <summary>
    /// Note: without this loop, keys missing at startup would load only when a logout arrives; behind a load balancer
    /// that routes only to ready replicas none ever would, and the replica would never become ready.
    /// </summary>
    private async Task LoadProviderKeysAsync(CancellationToken stopping)
    {
        var delay = FirstRetry;
        try
        {
            while (true)
            {
                try
                {
                    await providerKeys.LoadMissingAsync(stopping);
                }
                catch (Exception exception) when (!stopping.IsCancellationRequested)
                {
                    // Note: the failures of a fetch are the key cache's to report; whatever escapes it must not end
                    // this loop, or a replica whose provider once answered nonsense would never become ready.
                    LogKeyLoadFailed(logger, exception.GetType().Name, exception.Message);
                }

                if (providerKeys.AllLoaded)
                {
                    return;
                }

                await Task.Delay(delay, timeProvider, stopping);
                delay = delay * 2 < MaxRetry ? delay * 2 : MaxRetry;
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    [LoggerMessage(EventId = EventIds.ProviderKeyLoadFailed, EventName = nameof(EventIds.ProviderKeyLoadFailed), Level = LogLevel.Error,
        Message = "Loading the providers' keys failed unexpectedly ({ExceptionType}: {ErrorMessage}); trying again")]
    private static partial void LogKeyLoadFailed(ILogger logger, string exceptionType, string errorMessage);
}
