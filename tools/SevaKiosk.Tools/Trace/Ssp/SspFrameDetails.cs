using System.Buffers.Binary;
using System.Globalization;
using SevaKiosk.Protocol.Ssp;

namespace SevaKiosk.Tools.Trace.Ssp;

/// <summary>Human-readable content of SSP commands and replies, decoded with the codec (never hand-parsed twice).</summary>
internal static class SspFrameDetails
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Arguments of a host command; null when it has none worth showing.</summary>
    public static string? Command(byte[] command)
    {
        var args = command.AsSpan(1);
        return (SspCommand)command[0] switch
        {
            SspCommand.SetInhibits => SspCommands.EnabledChannels(args) is { Count: > 0 } channels
                ? $"channels {string.Join(",", channels)} enabled"
                : "every channel inhibited",
            SspCommand.HostProtocolVersion when args.Length == 1 => $"version {args[0]}",
            SspCommand.SetGenerator when args.Length == 8 => $"generator {U64(args)}",
            SspCommand.SetModulus when args.Length == 8 => $"modulus {U64(args)}",
            SspCommand.RequestKeyExchange when args.Length == 8 => $"host inter-key {U64(args)}",
            SspCommand.SetBaudRate when args.Length == 2 => $"rate code {args[0]} ({(args[0] switch { 0 => "9600", 1 => "38400", 2 => "115200", _ => "?" })}), persist {args[1]}",
            SspCommand.ConfigureBezel when args.Length >= 4 => $"colour #{args[0]:X2}{args[1]:X2}{args[2]:X2}, {(args[3] == 1 ? "EEPROM" : "volatile")}",
            SspCommand.SetFixedEncryptionKey => "new fixed key (not shown)",
            SspCommand.GetSerialNumber when args.Length == 1 => $"sub-device {args[0]}",
            _ => args.IsEmpty ? null : $"{args.Length} argument byte(s)",
        };
    }

    /// <summary>Events and content of a reply to <paramref name="command"/>; error when the content does not decode.</summary>
    public static (IReadOnlyList<TraceEvent>? Events, string? Detail, string? Error) Reply(byte command, byte[] reply, int protocolVersion)
    {
        if (reply[0] != (byte)SspGenericResponse.Ok)
        {
            return (null, null, null);
        }

        try
        {
            return (SspCommand)command switch
            {
                SspCommand.Poll or SspCommand.PollWithAck => PollEvents(reply, protocolVersion),
                SspCommand.GetSerialNumber => (null, $"serial {SspResponses.ParseSerialNumber(reply)}", null),
                SspCommand.LastRejectCode => (null, RejectCode(SspResponses.ParseLastRejectCode(reply)), null),
                SspCommand.GetFirmwareVersion or SspCommand.GetDatasetVersion => (null, $"\"{SspResponses.ParseAscii(reply, "ascii")}\"", null),
                SspCommand.SetupRequest => (null, Setup(SspSetupResponse.Parse(reply)), null),
                SspCommand.UnitData => (null, Unit(SspUnitData.Parse(reply)), null),
                SspCommand.ChannelValueRequest => (null, Channels(SspChannelData.ParseValues(reply, protocolVersion, 1, "")), null),
                SspCommand.GetCounters => (null, Counters(SspResponses.ParseCounters(reply)), null),
                SspCommand.RequestKeyExchange => (null, $"slave inter-key {SspResponses.ParseKeyExchange(reply)}", null),
                SspCommand.GetBuildRevision => (null, string.Join(", ", SspBuildRevision.Parse(reply).Select(m => $"unit 0x{m.UnitType:X2} revision {m.Revision}")), null),
                _ => (null, null, null),
            };
        }
        catch (SspDecodeException ex)
        {
            return (null, null, ex.Message);
        }
    }

    private static (IReadOnlyList<TraceEvent>?, string?, string?) PollEvents(byte[] reply, int protocolVersion)
    {
        Span<SspEvent> parsed = stackalloc SspEvent[128];
        var result = SspPollParser.Parse(reply, protocolVersion, parsed);
        var events = new TraceEvent[result.Count];
        for (var i = 0; i < result.Count; i++)
        {
            var e = parsed[i];
            events[i] = e.DataLength switch
            {
                0 => new TraceEvent(e.Name),
                1 => new TraceEvent(e.Name, Channel: e.Channel),
                _ => new TraceEvent(e.Name, Data: Convert.ToHexString(reply.AsSpan(e.DataOffset, e.DataLength))),
            };
        }

        return (events, null, result.IsOk ? null : result.Describe());
    }

    private static string RejectCode(byte code) => $"0x{code:X2} {SspRejectReasons.Name(code)}";

    private static string Setup(SspSetupResponse setup) =>
        $"{setup.Country} firmware {setup.FirmwareVersion} protocol {setup.ProtocolVersion} multiplier {setup.ValueMultiplier}: {Channels(setup.Channels)}";

    private static string Unit(SspUnitData unit) =>
        $"unit 0x{unit.UnitType:X2} {unit.Country} firmware {unit.FirmwareVersion} multiplier {unit.ValueMultiplier} protocol {unit.ProtocolVersion}";

    private static string Channels(IReadOnlyList<SspChannel> channels) =>
        string.Join(", ", channels.Select(c => string.Create(Invariant, $"{c.Number}={c.Value}{(c.Currency.Length > 0 ? " " + c.Currency : "")}")));

    private static string Counters(SspCounters c) =>
        $"stacked {c.Stacked}, stored {c.Stored}, dispensed {c.Dispensed}, transferred {c.TransferredToStack}, rejected {c.Rejected}";

    private static ulong U64(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadUInt64LittleEndian(bytes);
}
