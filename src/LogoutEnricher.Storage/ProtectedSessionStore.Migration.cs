namespace LogoutEnricher.Storage;

public sealed partial class ProtectedSessionStore
{
    /// <summary>
    /// Rewrites every mapping written before sid and subject were hashed into the protected form, in
    /// batches of <paramref name="batchSize"/>; returns how many it moved. Idempotent and resumable (what is left is
    /// exactly what still has to be done); several replicas may run it at once: each move is atomic and skips a
    /// mapping another replica moved first.
    /// </summary>
    public async Task<int> ProtectExistingAsync(int batchSize = 500, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var moved = 0;
        var attempted = new HashSet<SessionKey>();
        while (true)
        {
            var batch = await records.ListUnprotectedAsync(batchSize, cancellationToken);
            var fresh = batch.Where(session => attempted.Add(session.Key)).ToList();
            if (fresh.Count == 0)
            {
                // Note: none left, or only rows this run already moved that a concurrent replica's view still lists.
                return moved;
            }

            foreach (var session in fresh)
            {
                var subject = session.Subject is null ? null : SubjectLookups(session.Subject)[0];
                await records.ProtectAsync(session, Hashed(session.Key), subject, Protect(session.Key.Sid, session.Subject), cancellationToken);
                moved++;
            }
        }
    }
}
