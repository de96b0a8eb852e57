using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.CashAcceptors.Ssp;
using SevaKiosk.Hal.Links;

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
        _ => throw new ArgumentException($"The {protocol} validator driver is not available in this build."),
    };
}

/// <summary>What a technician can set for <c>kioskctl diag validator</c>.</summary>
internal sealed record ValidatorDiagOptions(string Currency, bool Encrypted, ulong? FixedKey, string? Serial);
