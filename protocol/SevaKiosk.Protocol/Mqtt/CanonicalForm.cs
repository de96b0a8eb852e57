using System.Globalization;
using System.Text;

namespace SevaKiosk.Protocol.Mqtt;

/// <summary>
/// The exact bytes a fleet signature covers. JSON is not signed as sent (key order, whitespace and number formats vary
/// between serializers); instead both sides build this form from the parsed fields:
/// <list type="bullet">
/// <item>a sequence of netstrings <c>&lt;len&gt;:&lt;bytes&gt;,</c> where <c>len</c> is the decimal count of UTF-8 bytes;</item>
/// <item>first a domain tag (<c>sevakiosk/cmd/v1</c> or <c>sevakiosk/desired/v1</c>) so a command signature can never
/// verify as a desired state or vice versa;</item>
/// <item>times as Unix milliseconds in invariant decimal digits (sub-millisecond parts are ignored);</item>
/// <item>then the number of arguments and each key and value, keys in ordinal (byte) order.</item>
/// </list>
/// Length prefixes make the form unambiguous for any text, including separators and newlines in values.
/// </summary>
public static class CanonicalForm
{
    public const string CommandTag = "sevakiosk/cmd/v1";

    public const string DesiredTag = "sevakiosk/desired/v1";

    /// <summary>tag, cmdId, machineId, issuedAt ms, expiresAt ms, type, arg count, then key, value per argument.</summary>
    public static byte[] Of(SignedCommand command)
    {
        var builder = new StringBuilder();
        Append(builder, CommandTag);
        Append(builder, command.CmdId);
        Append(builder, command.MachineId);
        Append(builder, Milliseconds(command.IssuedAt));
        Append(builder, Milliseconds(command.ExpiresAt));
        Append(builder, command.Type);
        AppendMap(builder, command.Args);
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    /// <summary>tag, machineId, version, inService ("true"/"false"), issuedAt ms, config count, then key, value per entry.</summary>
    public static byte[] Of(DesiredState state)
    {
        var builder = new StringBuilder();
        Append(builder, DesiredTag);
        Append(builder, state.MachineId);
        Append(builder, state.Version.ToString(CultureInfo.InvariantCulture));
        Append(builder, state.InService ? "true" : "false");
        Append(builder, Milliseconds(state.IssuedAt));
        AppendMap(builder, state.Config);
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    private static string Milliseconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    private static void AppendMap(StringBuilder builder, IReadOnlyDictionary<string, string>? map)
    {
        map ??= new Dictionary<string, string>();
        Append(builder, map.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var key in map.Keys.Order(StringComparer.Ordinal))
        {
            Append(builder, key);
            Append(builder, map[key]);
        }
    }

    private static void Append(StringBuilder builder, string? field)
    {
        field ??= string.Empty;
        builder.Append(Encoding.UTF8.GetByteCount(field).ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append(',');
    }
}
