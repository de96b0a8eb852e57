using Microsoft.Extensions.Logging;
using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.CashAcceptors.CcTalk;
using SevaKiosk.Hal.CashAcceptors.Id003;
using SevaKiosk.Hal.CashAcceptors.Ssp;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Hal.Links;
using SevaKiosk.Protocol.CcTalk;

namespace SevaKiosk.Firmware.Hosting;

/// <summary>
/// The fitted validator from configuration: the engine sees only <see cref="ICashAcceptor"/>, so the protocol is a
/// line in the machine's configuration and nothing else in the firmware changes with it.
/// </summary>
public static class ValidatorFactory
{
    /// <summary>Opens the driver for <see cref="ValidatorSettings.Protocol"/> on <see cref="ValidatorSettings.Port"/>.</summary>
    public static ICashAcceptor OpenSerial(ValidatorSettings v, TimeProvider time, ILoggerFactory loggers)
    {
        var port = v.Port ?? throw new DeviceConfigurationException("Validator:Port", "no port configured");
        var serial = v.Serial is { Length: > 0 } text ? SerialSettings.Parse(text) : null;
        return v.Protocol switch
        {
            "ssp" => SspCashAcceptor.OpenSerial(port, SspOptions(v), serial, time, loggers.CreateLogger<SspCashAcceptor>()),
            "id003" => Id003CashAcceptor.OpenSerial(port, Id003Options(v), serial, time, loggers.CreateLogger<Id003CashAcceptor>()),
            "cctalk" => CcTalkCashAcceptor.OpenSerial(port, CcTalkOptions(v), serial, time, loggers.CreateLogger<CcTalkCashAcceptor>()),
            _ => throw new DeviceConfigurationException("Validator:Protocol", $"'{v.Protocol}' has no driver in this build (ssp, id003, cctalk)"),
        };
    }

    public static SspOptions SspOptions(ValidatorSettings v) => WithResponseTimeout(v, new SspOptions
    {
        AcceptedNotes = v.AcceptedNotes,
        PollInterval = v.PollInterval,
        Encrypted = v.Encrypted,
        FixedKey = v.FixedKey is { Length: > 0 } key ? Convert.ToUInt64(key, 16) : Protocol.Ssp.SspCipher.DefaultFixedKey,
    });

    public static Id003Options Id003Options(ValidatorSettings v) => WithResponseTimeout(v, new Id003Options
    {
        AcceptedNotes = v.AcceptedNotes,
        PollInterval = v.PollInterval,
        Echo = v.Echo switch
        {
            "on" => Id003EchoMode.Present,
            "off" => Id003EchoMode.Absent,
            _ => Id003EchoMode.Auto,
        },
    });

    public static CcTalkOptions CcTalkOptions(ValidatorSettings v) => WithResponseTimeout(v, new CcTalkOptions
    {
        AcceptedNotes = v.AcceptedNotes,
        PollInterval = v.PollInterval,
        Address = v.Address ?? CcTalkConstants.DefaultBillValidatorAddress,
        ChecksumMode = string.Equals(v.Checksum, "crc16", StringComparison.OrdinalIgnoreCase) ? CcTalkChecksumMode.Crc16 : CcTalkChecksumMode.Simple8,
    });

    private static T WithResponseTimeout<T>(ValidatorSettings v, T options)
        where T : CashAcceptorOptions => v.ResponseTimeout is { } timeout ? (T)(options with { ResponseTimeout = timeout }) : options;
}
