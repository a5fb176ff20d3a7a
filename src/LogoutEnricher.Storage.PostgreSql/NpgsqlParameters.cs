using Npgsql;

namespace LogoutEnricher.Storage.PostgreSql;

/// <summary>Positional, strongly typed parameters ($1, $2, ...): no boxing and no name matching per execution.</summary>
internal static class NpgsqlParameters
{
    public static NpgsqlParameterCollection With<T>(this NpgsqlParameterCollection parameters, T value)
    {
        parameters.Add(value is null ? new NpgsqlParameter { Value = DBNull.Value } : new NpgsqlParameter<T> { TypedValue = value });
        return parameters;
    }

    public static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    public static NpgsqlParameter<T> Value<T>(T value) => new() { TypedValue = value };
}
