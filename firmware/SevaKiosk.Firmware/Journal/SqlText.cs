using System.Globalization;
using Microsoft.Data.Sqlite;
using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Firmware.Journal;

/// <summary>How values are written to and read from the journal: invariant text, ISO 8601 UTC times.</summary>
internal static class SqlText
{
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public static string Amount(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    public static decimal ParseAmount(string text) => decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture);

    public static SqliteCommand With(this SqliteCommand command, string name, object? value)
    {
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    /// <summary>Executes and disposes the command (prepared statements are native resources).</summary>
    public static int Run(this SqliteCommand command)
    {
        using (command)
        {
            return command.ExecuteNonQuery();
        }
    }

    public static object? Scalar(this SqliteCommand command)
    {
        using (command)
        {
            return command.ExecuteScalar();
        }
    }

    public static string? StringOrNull(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static long? LongOrNull(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    public static Money? MoneyOrNull(this SqliteDataReader reader, int amount, int currency) =>
        reader.IsDBNull(amount) ? null : new Money(ParseAmount(reader.GetString(amount)), reader.GetString(currency));
}
