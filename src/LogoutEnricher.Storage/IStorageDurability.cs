namespace LogoutEnricher.Storage;

/// <summary>
/// Whether a write the backend acknowledged survives power loss, as the backend is configured now. The host checks it
/// at startup (and refuses to start on a <see cref="DurabilityFinding.Fatal"/> finding) and shows it in readiness.
/// </summary>
public interface IStorageDurability
{
    /// <summary>Reads the backend's settings; throws <see cref="StorageUnavailableException"/> when it does not answer.</summary>
    Task<StorageDurability> CheckAsync(CancellationToken cancellationToken = default);
}

/// <summary>The settings read, and what in them loses acknowledged writes (none: durable).</summary>
/// <param name="Settings">Setting name to value, e.g. <c>synchronous</c> = <c>FULL</c>; no secrets.</param>
/// <param name="Findings">What loses acknowledged writes, or may; empty when every acknowledged write is durable.</param>
/// <param name="Window">How much acknowledged work a power loss can take, in words (e.g. "none", "up to 1 s of writes").</param>
public sealed record StorageDurability(
    IReadOnlyDictionary<string, string> Settings,
    IReadOnlyList<DurabilityFinding> Findings,
    string Window)
{
    public bool IsDurable => Findings.Count == 0;
}

/// <summary>One setting that loses acknowledged writes.</summary>
/// <param name="Setting">The backend's setting, e.g. <c>synchronous_commit</c>.</param>
/// <param name="Value">Its value now.</param>
/// <param name="Advice">What to change, for the log and readiness.</param>
/// <param name="Fatal">
/// True when LogoutEnricher's own sessions were configured to acknowledge before the write is durable (the host refuses
/// to start unless told to accept it); false for a property of the whole server that only its operator can change.
/// </param>
public sealed record DurabilityFinding(string Setting, string Value, string Advice, bool Fatal);
