using System.Globalization;
using SevaKiosk.Protocol.Id003;

namespace SevaKiosk.Tools.Trace.Id003;

/// <summary>Human-readable content of ID-003 commands and replies, decoded with the codec (never hand-parsed twice).</summary>
internal static class Id003FrameDetails
{
    /// <summary>Arguments of a host command; null when it has none.</summary>
    public static string? Command(byte code, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return null;
        }

        var mask = Id003DenominationMask.Default;
        return (Id003Command)code switch
        {
            Id003Command.SetEnableDisable when data.Length == 2 => MaskCodes(mask, data) is { Length: > 0 } codes
                ? $"bits set for {codes} (disabled, if a set bit disables: UNCONFIRMED)"
                : "no bit set: every denomination enabled (if a set bit disables: UNCONFIRMED)",
            Id003Command.SetSecurity when data.Length == 2 => MaskCodes(mask, data) is { Length: > 0 } codes
                ? $"high security for {codes}"
                : "normal security for every denomination",
            Id003Command.SetCommunicationMode when data.Length == 1 => data[0] switch
            {
                0 => "polled",
                1 => "interrupt mode 1",
                2 => "interrupt mode 2",
                _ => $"mode 0x{data[0]:X2}",
            },
            Id003Command.SetInhibit when data.Length == 1 => data[0] switch
            {
                0 => "accept notes",
                1 => "inhibit",
                _ => $"value 0x{data[0]:X2}",
            },
            Id003Command.SetDirection when data.Length == 1 => data[0] == 0 ? "every direction allowed" : $"inhibited directions 0x{data[0]:X2}",
            Id003Command.SetOptionalFunction when data.Length == 2 => $"function bits {Convert.ToHexString(data)} (meaning UNCONFIRMED)",
            Id003Command.SetBarcodeFunction when data.Length == 2 => string.Create(CultureInfo.InvariantCulture, $"bar-code type 0x{data[0]:X2}{(data[0] == 1 ? " (Interleaved 2 of 5)" : string.Empty)}, {data[1]} characters"),
            Id003Command.SetBarInhibit when data.Length == 1 => $"{((data[0] & 1) != 0 ? "notes inhibited" : "notes accepted")}, {((data[0] & 2) != 0 ? "tickets inhibited" : "tickets accepted")}",
            _ => $"{data.Length} data byte(s) {Convert.ToHexString(data)}",
        };
    }

    /// <summary>The one status a STATUS REQUEST reply carries, with its data.</summary>
    public static TraceEvent StatusEvent(string name, byte code, ReadOnlySpan<byte> data) =>
        (Id003Status)code == Id003Status.Escrow && data.Length == 1
            ? new TraceEvent(name, Channel: data[0])
            : new TraceEvent(name, Data: data.IsEmpty ? null : Convert.ToHexString(data));

    /// <summary>What the status data means: escrow code (and value, once the unit's currency table is in the trace),
    /// reject or failure reason.</summary>
    public static string? Status(byte code, ReadOnlySpan<byte> data, IReadOnlyDictionary<byte, Id003Denomination> currency)
    {
        if (data.IsEmpty)
        {
            return null;
        }

        return (Id003Status)code switch
        {
            Id003Status.Escrow when data[0] == Id003Constants.TicketEscrowCode => Id003Escrow.Describe(data),
            Id003Status.Escrow when data.Length == 1 => Note(data[0], currency),
            Id003Status.VendValid when data.Length == 1 => $"{Note(data[0], currency)} (a data byte on VEND VALID is UNCONFIRMED)",
            Id003Status.Rejecting => $"0x{data[0]:X2} {Id003RejectCodes.Name(data[0])}",
            Id003Status.Failure => $"0x{data[0]:X2} {Id003FailureCodes.Name(data[0])}",
            _ => Convert.ToHexString(data),
        };
    }

    /// <summary>The data asked for by VERSION, BOOT VERSION, CURRENCY ASSIGN or a setting status request, and the
    /// currency table when this is its reply.</summary>
    /// <exception cref="Id003DecodeException">A currency table that does not decode.</exception>
    public static (string? Detail, IReadOnlyList<Id003Denomination> Table) Request(byte code, ReadOnlySpan<byte> data)
    {
        switch ((Id003Command)code)
        {
            case Id003Command.VersionRequest:
                return ($"\"{Id003VersionInfo.Parse(data).Raw}\"", []);
            case Id003Command.BootVersionRequest:
                return ($"\"{Id003BootVersion.Parse(data)}\"", []);
            case Id003Command.CurrencyAssignRequest:
                var table = Id003CurrencyAssignment.Parse(data);
                return (string.Join(", ", table.Select(d => d.ToString())), table);
            default:
                return (data.IsEmpty ? null : $"setting {Convert.ToHexString(data)}", []);
        }
    }

    private static string Note(byte escrowCode, IReadOnlyDictionary<byte, Id003Denomination> currency) =>
        currency.TryGetValue(escrowCode, out var slot) && slot.IsAssigned
            ? string.Create(CultureInfo.InvariantCulture, $"0x{escrowCode:X2} = {slot.Value} {slot.Currency ?? $"country 0x{slot.CountryCode:X2}"}")
            : $"0x{escrowCode:X2}";

    private static string MaskCodes(Id003DenominationMask mask, ReadOnlySpan<byte> data)
    {
        var codes = new List<string>();
        for (var i = 0; i < 8 * Id003DenominationMask.Length; i++)
        {
            var code = (byte)(mask.FirstEscrowCode + i);
            if (mask.IsBitSet(data, code))
            {
                codes.Add($"0x{code:X2}");
            }
        }

        return string.Join(" ", codes);
    }
}
