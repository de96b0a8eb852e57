using Microsoft.Extensions.Logging;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Protocol.Ssp;

namespace SevaKiosk.Hal.CashAcceptors.Ssp;

/// <summary>Start-up: SYNC → [eSSP key exchange] → HOST PROTOCOL VERSION → SETUP REQUEST → serial, firmware,
/// dataset → SET INHIBITS for the configured notes. ENABLE follows only while a transaction is open, so the bezel
/// never invites a note nobody will account for.</summary>
public sealed partial class SspCashAcceptor
{
    private static readonly FaultDefinition EncryptionFault = new(
        "validator.encryption", FaultSeverity.Error, RecommendedAction.Configuration, true,
        "eSSP key exchange or encrypted exchange failed (check the fixed key and the Encrypted setting)");

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var link = Link;
        link.StopEncryption();
        _reading = false;
        _escrow = null;
        _returning = null;
        _accepting = false;

        var sync = await link.SyncAsync(cancellationToken).ConfigureAwait(false);
        RequireOk(sync.Span, "SYNC");
        if (_options.Encrypted)
        {
            await NegotiateKeysAsync(cancellationToken).ConfigureAwait(false);
        }

        _protocolVersion = await NegotiateProtocolAsync(cancellationToken).ConfigureAwait(false);
        _setup = Decode("SETUP REQUEST", SspSetupResponse.Parse, await CommandAsync(SspCommand.SetupRequest, cancellationToken).ConfigureAwait(false));
        if (_setup.UnitType != SspSetupResponse.BanknoteValidatorUnitType)
        {
            throw new DeviceProtocolException($"unit type 0x{_setup.UnitType:X2} is not a banknote validator");
        }

        var serial = Decode("GET SERIAL NUMBER", SspResponses.ParseSerialNumber, await CommandAsync(SspCommand.GetSerialNumber, cancellationToken).ConfigureAwait(false));
        _serial = Hex(serial);
        if (_knownSerial is not null && _knownSerial != _serial)
        {
            Logger.LogWarning("{Device}: serial changed from {Old} to {New}: the validator was swapped", Name, _knownSerial, _serial);
            await PublishAsync(new DeviceReset(Time.GetUtcNow(), EventTransactionId, $"validator replaced: serial {_knownSerial} → {_serial}"), cancellationToken).ConfigureAwait(false);
        }

        _knownSerial = _serial;
        var firmware = await OptionalAsciiAsync(SspCommand.GetFirmwareVersion, cancellationToken).ConfigureAwait(false) ?? _setup.FirmwareVersion;
        var dataset = await OptionalAsciiAsync(SspCommand.GetDatasetVersion, cancellationToken).ConfigureAwait(false);

        var denominations = _setup.Channels
            .Select(c => new NoteDenomination(c.Number, new Money(c.Value, c.Currency), Options.Accepts(new Money(c.Value, c.Currency))))
            .ToArray();
        var enabled = denominations.Where(d => d.Enabled).Select(d => d.DeviceCode).ToArray();
        if (enabled.Length == 0)
        {
            Faults.Raise(CommonFaults.AllInhibited, $"device offers {string.Join(", ", denominations.Select(d => d.Value))}; configured {string.Join(", ", Options.AcceptedNotes)} {Options.Currency}");
        }
        else
        {
            Faults.Clear(CommonFaults.AllInhibited.Code);
        }

        RequireOk((await Link.ExchangeAsync(SspCommands.SetInhibits(enabled), Link.IsEncrypted, cancellationToken).ConfigureAwait(false)).Span, "SET INHIBITS");

        Capabilities = new CashAcceptorCapabilities(
            "ssp", _protocolVersion, $"SSP unit type {_setup.UnitType}", firmware, dataset, _serial, _setup.Country, denominations,
            CanHoldEscrow: true, Encrypted: link.IsEncrypted);
        Faults.Clear(EncryptionFault.Code);
        UpdateStatus(s => s with { Acceptor = AcceptorState.Disabled, InEscrow = null, Cashbox = s.Cashbox == CashboxState.Unknown ? CashboxState.Present : s.Cashbox });
        Logger.LogInformation(
            "{Device}: SSP v{Version}, serial {Serial}, firmware {Firmware}, dataset {Dataset}, notes {Notes}",
            Name, _protocolVersion, _serial, firmware, dataset, string.Join(" ", denominations.Select(d => d.ToString())));
    }

    private async Task NegotiateKeysAsync(CancellationToken cancellationToken)
    {
        try
        {
            var (generator, modulus) = SspKeyExchange.ChooseParameters();
            RequireOk((await Link.ExchangeAsync(SspCommands.WithU64(SspCommand.SetGenerator, generator), false, cancellationToken).ConfigureAwait(false)).Span, "SET GENERATOR");
            RequireOk((await Link.ExchangeAsync(SspCommands.WithU64(SspCommand.SetModulus, modulus), false, cancellationToken).ConfigureAwait(false)).Span, "SET MODULUS");
            var secret = SspKeyExchange.RandomSecret();
            var hostInter = SspKeyExchange.InterKey(generator, secret, modulus);
            var reply = await Link.ExchangeAsync(SspCommands.WithU64(SspCommand.RequestKeyExchange, hostInter), false, cancellationToken).ConfigureAwait(false);
            var slaveInter = Decode("REQUEST KEY EXCHANGE", SspResponses.ParseKeyExchange, reply);
            Link.StartEncryption(new SspCipher(_options.FixedKey, SspKeyExchange.SharedKey(slaveInter, secret, modulus)));
        }
        catch (DeviceProtocolException ex)
        {
            Faults.Raise(EncryptionFault, ex.Message);
            throw;
        }
    }

    private async Task<int> NegotiateProtocolAsync(CancellationToken cancellationToken)
    {
        for (var version = _options.MaxProtocolVersion; version >= _options.MinProtocolVersion; version--)
        {
            ReadOnlyMemory<byte> reply;
            try
            {
                reply = await Link.ExchangeAsync(SspCommands.HostProtocolVersion(version), Link.IsEncrypted, cancellationToken).ConfigureAwait(false);
            }
            catch (DeviceLinkException ex) when (Link.IsEncrypted)
            {
                // The first encrypted command is where a wrong fixed key shows: the device cannot decrypt it.
                Faults.Raise(EncryptionFault, ex.Message);
                throw;
            }

            switch ((SspGenericResponse)reply.Span[0])
            {
                case SspGenericResponse.Ok:
                    return version;
                case SspGenericResponse.Fail:
                    continue;
                case SspGenericResponse.KeyNotSet:
                    Faults.Raise(EncryptionFault, "the validator requires eSSP: set Encrypted=true and its fixed key");
                    throw new DeviceProtocolException("HOST PROTOCOL VERSION answered KEY_NOT_SET: the device requires encryption");
                default:
                    throw new DeviceProtocolException($"HOST PROTOCOL VERSION {version} answered {SspGenericResponseNames.Of(reply.Span[0])}");
            }
        }

        throw new DeviceProtocolException($"the validator accepts no SSP protocol version from {_options.MaxProtocolVersion} down to {_options.MinProtocolVersion}");
    }

    private async Task<string?> OptionalAsciiAsync(SspCommand command, CancellationToken cancellationToken)
    {
        var reply = await CommandAsync(command, cancellationToken).ConfigureAwait(false);
        return reply.Span[0] == (byte)SspGenericResponse.Ok ? SspResponses.ParseAscii(reply.Span, SspCommandNames.Of((byte)command)) : null;
    }

    private void RequireOk(ReadOnlySpan<byte> reply, string command)
    {
        ThrowIfKeyNotSet(reply, command);
        if (reply.IsEmpty || reply[0] != (byte)SspGenericResponse.Ok)
        {
            throw new DeviceProtocolException($"{command} answered {(reply.IsEmpty ? "nothing" : SspGenericResponseNames.Of(reply[0]))}");
        }
    }

    private T Decode<T>(string command, SpanDecoder<T> decode, ReadOnlyMemory<byte> reply)
    {
        ThrowIfKeyNotSet(reply.Span, command);
        try
        {
            return decode(reply.Span);
        }
        catch (SspDecodeException ex)
        {
            throw new DeviceProtocolException($"{command}: {ex.Message}", ex);
        }
    }

    /// <summary>KEY NOT SET means the device insists on eSSP: a configuration problem, said as such.</summary>
    private void ThrowIfKeyNotSet(ReadOnlySpan<byte> reply, string command)
    {
        if (!reply.IsEmpty && reply[0] == (byte)SspGenericResponse.KeyNotSet)
        {
            Faults.Raise(EncryptionFault, "the validator requires eSSP: set Encrypted=true and its fixed key");
            throw new DeviceProtocolException($"{command} answered KEY_NOT_SET: the device requires encryption");
        }
    }

    private delegate T SpanDecoder<out T>(ReadOnlySpan<byte> reply);
}
