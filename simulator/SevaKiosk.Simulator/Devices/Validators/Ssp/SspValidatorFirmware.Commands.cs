using System.Buffers.Binary;
using System.Text.Json.Nodes;
using SevaKiosk.Protocol.Ssp;

namespace SevaKiosk.Simulator.Devices.Validators.Ssp;

/// <summary>The command table (fact sheet §3.4): argument checks, generic responses and each command's effect.</summary>
public sealed partial class SspValidatorFirmware
{
    private int _protocolVersion;
    private uint _enabledChannels;
    private bool _enabled;
    private bool _displayOn;
    private byte[] _bezel = [0, 0, 0];
    private byte _baudRateCode;
    private bool _baudRatePersists;

    private byte[] Execute(ReadOnlySpan<byte> command, bool encrypted, DateTimeOffset now)
    {
        var code = command[0];
        var args = command[1..];

        // Channel re-teach is listed for old validators only; an NV200 does not know it.
        if (!SspCommandNames.IsKnown(code) || code == (byte)SspCommand.ChannelReteachData)
        {
            return Generic(SspGenericResponse.CommandNotKnown);
        }

        var cmd = (SspCommand)code;
        if (_outOfService && cmd is not (SspCommand.Sync or SspCommand.Reset))
        {
            return Generic(SspGenericResponse.CommandCannotBeProcessed);
        }

        if (!encrypted && MustBeEncrypted(cmd))
        {
            return Generic(SspGenericResponse.KeyNotSet);
        }

        if (!ArgumentCountFits(cmd, args.Length))
        {
            return Generic(SspGenericResponse.WrongNumberOfParameters);
        }

        return cmd switch
        {
            SspCommand.Sync => Ok(),
            SspCommand.Reset => RequestReboot("reset"),
            SspCommand.HostProtocolVersion => SetProtocolVersion(args[0]),
            SspCommand.SetupRequest => SetupResponse().Encode(),
            SspCommand.SetInhibits => SetInhibits(args),
            SspCommand.DisplayOn => SetDisplay(true),
            SspCommand.DisplayOff => SetDisplay(false),
            SspCommand.Poll => Poll(withAck: false, encrypted, now),
            SspCommand.PollWithAck => Poll(withAck: true, encrypted, now),
            SspCommand.EventAck => _events.Acknowledge() ? Ok() : Generic(SspGenericResponse.CommandCannotBeProcessed),
            SspCommand.Reject => ReturnFromEscrow(SspRejectReason.RejectByHost, now),
            SspCommand.Hold => _note is { Phase: NotePhase.Escrow } && _jam is null ? Ok() : Generic(SspGenericResponse.CommandCannotBeProcessed),
            SspCommand.Disable => Disable(now),
            SspCommand.Enable => Enable(),
            SspCommand.GetSerialNumber => args.Length == 1 && args[0] != 0
                ? Generic(SspGenericResponse.ParameterOutOfRange)
                : SspResponses.EncodeSerialNumber(_options.SerialNumber),
            SspCommand.UnitData => new SspUnitData(SspSetupResponse.BanknoteValidatorUnitType, _options.UnitFirmware, _options.Currency, _valueMultiplier, _protocolVersion).Encode(),
            SspCommand.ChannelValueRequest => SspChannelData.EncodeValues(_channels, _valueMultiplier, _protocolVersion),
            SspCommand.ChannelSecurityData => SspChannelData.EncodeSecurity(_channels),
            SspCommand.LastRejectCode => [(byte)SspGenericResponse.Ok, _lastRejectCode],
            SspCommand.GetFirmwareVersion => SspResponses.EncodeAscii(_options.FirmwareVersion),
            SspCommand.GetDatasetVersion => SspResponses.EncodeAscii(_options.DatasetVersion),
            SspCommand.GetBuildRevision => SspBuildRevision.Encode([new SspBuildRevision(SspSetupResponse.BanknoteValidatorUnitType, _options.BuildRevision)]),
            SspCommand.SetBaudRate => SetBaudRate(args[0], args[1]),
            SspCommand.ConfigureBezel => ConfigureBezel(args),
            SspCommand.GetCounters => SspResponses.EncodeCounters(CountersSnapshot()),
            SspCommand.ResetCounters => ResetCounters(),
            SspCommand.SetGenerator => SetKeyParameter(args, isGenerator: true),
            SspCommand.SetModulus => SetKeyParameter(args, isGenerator: false),
            SspCommand.RequestKeyExchange => ExchangeKeys(BinaryPrimitives.ReadUInt64LittleEndian(args)),
            SspCommand.SetFixedEncryptionKey => SetFixedKey(BinaryPrimitives.ReadUInt64LittleEndian(args)),
            SspCommand.ResetFixedEncryptionKey => ResetFixedKey(),
            _ => Generic(SspGenericResponse.CommandNotKnown),
        };
    }

    private static bool ArgumentCountFits(SspCommand command, int count) => command switch
    {
        SspCommand.SetInhibits => count is >= 1 and <= 3,
        SspCommand.HostProtocolVersion => count == 1,
        SspCommand.GetSerialNumber => count <= 1,
        SspCommand.SetGenerator or SspCommand.SetModulus or SspCommand.RequestKeyExchange or SspCommand.SetFixedEncryptionKey => count == 8,
        SspCommand.SetBaudRate => count == 2,
        SspCommand.ConfigureBezel => count is 4 or 5,
        _ => count == 0,
    };

    private static byte[] Ok() => Generic(SspGenericResponse.Ok);

    private byte[] RequestReboot(string cause)
    {
        _pendingReboot = cause;
        return Ok();
    }

    private byte[] SetProtocolVersion(byte version)
    {
        if (version < 1 || version > _options.MaxProtocolVersion)
        {
            return Generic(SspGenericResponse.Fail);
        }

        _protocolVersion = version;
        var json = Event("protocol-version");
        json["version"] = version;
        Emit(json);
        return Ok();
    }

    private SspSetupResponse SetupResponse() => new(
        SspSetupResponse.BanknoteValidatorUnitType,
        _options.UnitFirmware,
        _options.Currency,
        _valueMultiplier,
        _channels,
        RealValueMultiplier: 1,
        _protocolVersion);

    private byte[] SetInhibits(ReadOnlySpan<byte> mask)
    {
        uint bits = 0;
        for (var i = 0; i < mask.Length; i++)
        {
            bits |= (uint)mask[i] << (8 * i);
        }

        // Bits for channels the dataset does not have are ignored, as on a real unit.
        _enabledChannels = bits & ((1u << _channels.Count) - 1);
        var json = Event("inhibits");
        json["enabledChannels"] = new JsonArray([.. EnabledChannelNumbers().Select(c => JsonValue.Create(c))]);
        Emit(json);
        return Ok();
    }

    private byte[] SetDisplay(bool on)
    {
        _displayOn = on;
        return Ok();
    }

    private byte[] Enable()
    {
        if (!_enabled)
        {
            _enabled = true;
            Emit(Event("enabled"));
        }

        return Ok();
    }

    private byte[] Disable(DateTimeOffset now)
    {
        if (_enabled)
        {
            _enabled = false;
            Emit(Event("disabled"));
        }

        // A note still being read or held in escrow goes back to the user: a disabled unit takes no money.
        ReturnHeldNote(SspRejectReason.DisabledByHost, now);
        return Ok();
    }

    private byte[] SetBaudRate(byte rate, byte persist)
    {
        if (rate > 2 || persist > 1)
        {
            return Generic(SspGenericResponse.ParameterOutOfRange);
        }

        // The reply goes out at the old rate; a pseudo-terminal has no baud rate, so only the setting is kept.
        _baudRateCode = rate;
        _baudRatePersists = persist == 1;
        var json = Event("baud-rate");
        json["baud"] = BaudRate;
        json["persist"] = _baudRatePersists;
        Emit(json);
        return Ok();
    }

    private int BaudRate => _baudRateCode switch { 1 => 38_400, 2 => 115_200, _ => 9_600 };

    private byte[] ConfigureBezel(ReadOnlySpan<byte> args)
    {
        if (args[3] > 1)
        {
            return Generic(SspGenericResponse.ParameterOutOfRange);
        }

        _bezel = args[..3].ToArray();
        return Ok();
    }

    private byte[] ResetCounters()
    {
        _stacked = 0;
        _rejected = 0;
        Emit(Event("counters-reset"));
        return Ok();
    }

    private SspCounters CountersSnapshot() => new(_stacked, Stored: 0, Dispensed: 0, TransferredToStack: 0, _rejected);

    private IEnumerable<int> EnabledChannelNumbers() =>
        Enumerable.Range(1, _channels.Count).Where(c => (_enabledChannels & (1u << (c - 1))) != 0);
}
