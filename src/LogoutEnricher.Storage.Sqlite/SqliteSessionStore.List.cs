using System.Runtime.CompilerServices;
using LogoutEnricher.Storage.Relational;
using Microsoft.Data.Sqlite;

namespace LogoutEnricher.Storage.Sqlite;

internal sealed partial class SqliteSessionStore
{
    private const int ListPageSize = 1000;

    // Note: keyset paging on the primary key (issuer, client_id, sid): every page is an index range scan, and no
    // connection or read transaction is held between pages.
    private const string ListSql = """
        SELECT sid, sub, protected_sid, protected_sub FROM sessions
        WHERE issuer = $issuer AND client_id = $client AND sid > $after AND expires_at > $now
        ORDER BY sid LIMIT $limit;
        """;

    public async IAsyncEnumerable<CapturedSession> ListAsync(string issuer, string clientId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var after = "";
        while (true)
        {
            var page = await ReadPageAsync(issuer, clientId, after, cancellationToken);
            foreach (var session in page)
            {
                yield return session;
            }

            if (page.Count < ListPageSize)
            {
                yield break;
            }

            after = page[^1].Sid;
        }
    }

    private async Task<List<CapturedSession>> ReadPageAsync(string issuer, string clientId, string after, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = ListSql;
            command.Parameters.AddWithValue("$issuer", issuer);
            command.Parameters.AddWithValue("$client", clientId);
            command.Parameters.AddWithValue("$after", after);
            command.Parameters.AddWithValue("$now", time.NowMs());
            command.Parameters.AddWithValue("$limit", ListPageSize);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await DbRows.ReadAllAsync(reader, DbRows.CapturedSession, cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap("list session mappings", ex);
        }
    }
}
