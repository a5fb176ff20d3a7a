namespace LogoutEnricher.Tests;

/// <summary>The checkout the tests run from: the tests that hold docs and source to the code read files there.</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LogoutEnricher.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("LogoutEnricher.sln not found above " + AppContext.BaseDirectory);
    }
}
