using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.CashAcceptors.CcTalk;
using SevaKiosk.Hal.CashAcceptors.Ssp;
using SevaKiosk.Hal.Links;
using SevaKiosk.Protocol.CcTalk;

namespace SevaKiosk.Tools.Diag;

/// <summary>Creates the driver for a validator protocol name, opened on a serial port by path.</summary>
internal static class ValidatorDrivers
{
    public static readonly string[] Protocols = ["ssp", "id003", "cctalk"];

    public static ICashAcceptor Open(string protocol, string port, ValidatorDiagOptions options) => protocol switch
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
            options.Serial is null ? null : SerialSettings.Parse(options.Serial)),
        "cctalk" => CcTalkCashAcceptor.OpenSerial(
            port,
            new CcTalkOptions
            {
                Currency = options.Currency,
                AcceptedNotes = [],
                Address = options.Address ?? CcTalkConstants.DefaultBillValidatorAddress,
                ChecksumMode = ParseChecksum(options.Checksum),
            },
            options.Serial is null ? null : SerialSettings.Parse(options.Serial)),
        _ => throw new ArgumentException($"The {protocol} validator driver is not available in this build."),
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
/// <param name="Address">ccTalk bus address of the validator (default 40).</param>
/// <param name="Checksum">ccTalk checksum mode: <c>simple</c> (default) or <c>crc</c>.</param>
internal sealed record ValidatorDiagOptions(string Currency, bool Encrypted, ulong? FixedKey, string? Serial, byte? Address = null, string? Checksum = null);
