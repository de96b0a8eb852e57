using System.Text.Json.Nodes;
using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.CashAcceptors.CcTalk;
using SevaKiosk.Hal.CashAcceptors.Id003;
using SevaKiosk.Hal.CashAcceptors.Ssp;
using SevaKiosk.Hal.Links;
using SevaKiosk.Protocol.CcTalk;

namespace SevaKiosk.Tools.Diag;

/// <summary>Creates the driver for a validator protocol name, opened on a serial port by path.</summary>
internal static class ValidatorDrivers
{
    public static readonly string[] Protocols = ["ssp", "id003", "cctalk"];

    public static ICashAcceptor Open(string protocol, string port, ValidatorDiagOptions options)
    {
        var settings = options.Serial is null ? null : SerialSettings.Parse(options.Serial);
        return protocol switch
        {
            "ssp" => SspCashAcceptor.OpenSerial(
                port,
                new SspOptions
                {
                    Currency = options.Currency,
                    AcceptedNotes = [],
                    Encrypted = options.Encrypted,
                    FixedKey = options.FixedKey ?? Protocol.Ssp.SspCipher.DefaultFixedKey,
                },
                settings),
            "id003" => Id003CashAcceptor.OpenSerial(
                port,
                new Id003Options
                {
                    Currency = options.Currency,
                    AcceptedNotes = [],
                    Echo = options.Echo,
                    CountryCode = options.CountryCode,
                },
                settings),
            "cctalk" => CcTalkCashAcceptor.OpenSerial(
                port,
                new CcTalkOptions
                {
                    Currency = options.Currency,
                    AcceptedNotes = [],
                    Address = options.Address ?? CcTalkConstants.DefaultBillValidatorAddress,
                    ChecksumMode = ParseChecksum(options.Checksum),
                },
                settings),
            _ => throw new ArgumentException($"The {protocol} validator driver is not available in this build."),
        };
    }

    /// <summary>Protocol-specific facts for commissioning records (ID-003: the raw version and currency table), or null.</summary>
    public static JsonObject? Details(ICashAcceptor validator) => validator switch
    {
        Id003CashAcceptor { Identity: { } identity } id003 => new JsonObject
        {
            ["version"] = identity.Version.Raw,
            ["bootVersion"] = identity.BootVersion,
            ["adapterEchoes"] = id003.AdapterEchoes,
            ["currencyTable"] = new JsonArray(identity.CurrencyTable.Select(d => (JsonNode)new JsonObject
            {
                ["escrowCode"] = $"0x{d.EscrowCode:X2}",
                ["countryCode"] = $"0x{d.CountryCode:X2}",
                ["base"] = d.Base,
                ["exponent"] = d.Exponent,
                ["value"] = d.IsAssigned ? d.Value : null,
                ["currency"] = d.IsAssigned ? d.Currency : null,
            }).ToArray()),
            ["link"] = LinkJson(id003.LinkStatistics),
        },
        _ => null,
    };

    /// <summary>The same facts as text lines.</summary>
    public static IEnumerable<string> DetailLines(ICashAcceptor validator)
    {
        if (validator is not Id003CashAcceptor { Identity: { } identity } id003)
        {
            yield break;
        }

        yield return $"Version:   {identity.Version.Raw} (boot {identity.BootVersion})";
        yield return $"Currency:  {string.Join("  ", identity.CurrencyTable.Select(d => d.ToString()))}";
        yield return $"Adapter:   {(id003.AdapterEchoes switch { true => "echoes our bytes", false => "no echo", null => "echo not known yet" })}";
        var link = id003.LinkStatistics;
        yield return $"Link:      {link.Retransmissions} retransmission(s), {link.CrcErrors} CRC error(s), {link.CommunicationErrors} COMMUNICATION ERROR, {link.InvalidCommands} INVALID COMMAND";
    }

    private static JsonObject LinkJson(Id003LinkStatistics link) => new()
    {
        ["retransmissions"] = link.Retransmissions,
        ["crcErrors"] = link.CrcErrors,
        ["garbageBytes"] = link.GarbageBytes,
        ["echoesSkipped"] = link.EchoesSkipped,
        ["staleFrames"] = link.StaleFrames,
        ["communicationErrors"] = link.CommunicationErrors,
        ["invalidCommands"] = link.InvalidCommands,
    };

    public static readonly string[] CcTalkChecksums = ["simple", "crc"];

    private static CcTalkChecksumMode ParseChecksum(string? checksum) => checksum switch
    {
        null or "simple" => CcTalkChecksumMode.Simple8,
        "crc" => CcTalkChecksumMode.Crc16,
        _ => throw new ArgumentException($"ccTalk checksum must be one of {string.Join(", ", CcTalkChecksums)}, not '{checksum}'."),
    };
}

/// <summary>What a technician can set for <c>kioskctl diag validator</c>.</summary>
/// <param name="Echo">ID-003: whether the adapter echoes (auto learns it).</param>
/// <param name="CountryCode">ID-003: the unit's country code for <paramref name="Currency"/> when the built-in table is wrong.</param>
/// <param name="Address">ccTalk bus address of the validator (default 40).</param>
/// <param name="Checksum">ccTalk checksum mode: <c>simple</c> (default) or <c>crc</c>.</param>
internal sealed record ValidatorDiagOptions(
    string Currency,
    bool Encrypted,
    ulong? FixedKey,
    string? Serial,
    Id003EchoMode Echo = Id003EchoMode.Auto,
    byte? CountryCode = null,
    byte? Address = null,
    string? Checksum = null);
