namespace LogoutEnricher.EndToEndTests.Infrastructure;

/// <summary>What to do when a test's server cannot run here: skip locally with the reason, fail in CI.</summary>
internal static class Requirement
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static void Missing(string reason)
    {
        if (InCi)
        {
            Assert.Fail(reason);
        }

        Assert.Skip(reason);
    }

    /// <summary>A repository file, found from the test binaries upwards (the tests run from bin/).</summary>
    public static string RepositoryPath(params string[] parts)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LogoutEnricher.sln")))
            {
                return Path.Combine([directory.FullName, .. parts]);
            }
        }

        throw new InvalidOperationException("the repository root (LogoutEnricher.sln) is not above " + AppContext.BaseDirectory);
    }

    /// <summary>A loopback port that is free now (the servers bind it a moment later).</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Polls until <paramref name="condition"/> holds: delivery may be queued, so it is awaited, not assumed.</summary>
    public static Task EventuallyAsync(Func<bool> condition, string what, int seconds = 15) =>
        EventuallyAsync(() => Task.FromResult(condition()), what, seconds);

    /// <summary>Polls an asynchronous condition (e.g. reloading a page) until it holds.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, int seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"within {seconds} s: {what}");
            }

            await Task.Delay(100);
        }
    }
}
