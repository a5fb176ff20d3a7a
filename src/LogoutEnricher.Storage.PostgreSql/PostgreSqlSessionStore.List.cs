using System.Runtime.CompilerServices;
using LogoutEnricher.Storage.Relational;
using Npgsql;

namespace LogoutEnricher.Storage.PostgreSql;

internal sealed partial class PostgreSqlSessionStore
{
    private const int ListPageSize = 1000;

    // Note: keyset paging on ux_sessions_key (issuer, client_id, sid): each page is an index range scan, and no
    // connection is held between pages. Comparison and order use the same collation as the index.
    private const string ListSql = """
        SELECT sid, sub, protected_sid, protected_sub FROM sessions
        WHERE issuer = $1 AND client_id = $2 AND sid > $3 AND expires_at > $4
        ORDER BY sid LIMIT $5;
        """;

    public async IAsyncEnumerable<CapturedSession> ListAsync(string issuer, string clientId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var after = "";
        while (true)
        {
            var page = await database.RunAsync("list session mappings", async connection =>
            {
                await using var command = new NpgsqlCommand(ListSql, connection);
                command.Parameters.With(issuer).With(clientId).With(after).With(time.NowMs()).With(ListPageSize);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                var rows = new List<CapturedSession>();
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows.Add(DbRows.CapturedSession(reader));
                }

                return rows;
            }, cancellationToken);
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
}
