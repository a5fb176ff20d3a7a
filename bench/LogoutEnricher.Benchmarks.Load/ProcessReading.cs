using System.Globalization;

namespace LogoutEnricher.Benchmarks.Load;

/// <summary>CPU time and resident memory of a process, from /proc (Linux).</summary>
internal static class ProcessReading
{
    // Note: utime and stime are in clock ticks; USER_HZ is 100 on every Linux the runtime supports.
    private const double TicksPerSecond = 100;

    /// <summary>User + system CPU time consumed so far (fields 14 and 15 of /proc/pid/stat).</summary>
    public static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>VmRSS (or another kB field of /proc/PID/status: VmHWM, the peak; RssFile; RssAnon) in MiB.</summary>
    public static double ResidentMiB(int pid, string field = "VmRSS")
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
            }
        }

        return double.NaN;
    }

    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];
}
