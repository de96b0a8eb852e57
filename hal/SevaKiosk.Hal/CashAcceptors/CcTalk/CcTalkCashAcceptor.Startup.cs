using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Protocol.CcTalk;

namespace SevaKiosk.Hal.CashAcceptors.CcTalk;

/// <summary>
/// Start-up: identification (manufacturer, category, product code, serial, software revision, build code), the bill id
/// of every bill type and the country scaling factor (so every value comes from the device), the inhibit mask for the
/// configured notes, and bill operating mode "stacker + escrow", each setting read back. Master inhibit is lifted only
/// while a transaction is open, so the bezel never invites a note nobody will account for.
/// </summary>
public sealed partial class CcTalkCashAcceptor
{
    private const int StableReadAttempts = 5;
    private Note?[] _bills = [];
    private string _serial = string.Empty;
    private string? _knownSerial;

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var manufacturer = await TextAsync(CcTalkHeader.RequestManufacturerId, true, cancellationToken).ConfigureAwait(false);
        var category = await TextAsync(CcTalkHeader.RequestEquipmentCategoryId, true, cancellationToken).ConfigureAwait(false);
        if (category!.IndexOf("bill", StringComparison.OrdinalIgnoreCase) < 0)
        {
            throw new DeviceProtocolException($"the device at address {_options.Address} is a '{category}', not a bill validator (check Address)");
        }

        var product = await TextAsync(CcTalkHeader.RequestProductCode, true, cancellationToken).ConfigureAwait(false);
        _serial = await ReadSerialAsync(cancellationToken).ConfigureAwait(false);
        if (_knownSerial is not null && _knownSerial != _serial)
        {
            Logger.LogWarning("{Device}: serial changed from {Old} to {New}: the validator was swapped", Name, _knownSerial, _serial);
            await PublishAsync(new DeviceReset(Time.GetUtcNow(), EventTransactionId, $"validator replaced: serial {_knownSerial} → {_serial}"), cancellationToken).ConfigureAwait(false);
        }

        _knownSerial = _serial;
        var revision = await TextAsync(CcTalkHeader.RequestSoftwareRevision, false, cancellationToken).ConfigureAwait(false);
        var build = await TextAsync(CcTalkHeader.RequestBuildCode, false, cancellationToken).ConfigureAwait(false);

        var denominations = await ReadBillTableAsync(cancellationToken).ConfigureAwait(false);
        Capabilities = new CashAcceptorCapabilities(
            "cctalk", 0, $"{manufacturer} {product}", revision ?? "unknown", build, _serial,
            Options.Currency, denominations, CanHoldEscrow: true, Encrypted: false);
        await ConfigureAsync(cancellationToken).ConfigureAwait(false);
        UpdateStatus(s => s with { Acceptor = AcceptorState.Disabled, InEscrow = null, Cashbox = s.Cashbox == CashboxState.Unknown ? CashboxState.Present : s.Cashbox });
        Logger.LogInformation(
            "{Device}: ccTalk {Manufacturer} {Product}, serial {Serial}, software {Revision}, build {Build}, bills {Bills}",
            Name, manufacturer, product, _serial, revision, build, string.Join(" ", denominations.Select(d => d.ToString())));
    }

    /// <summary>Inhibit mask for the configured notes and bill operating mode with escrow, each read back.</summary>
    private async Task ConfigureAsync(CancellationToken cancellationToken)
    {
        var enabled = Capabilities!.Denominations.Where(d => d.Enabled).Select(d => d.DeviceCode).ToArray();
        if (enabled.Length == 0)
        {
            Faults.Raise(CommonFaults.AllInhibited, $"device offers {string.Join(", ", Capabilities.Denominations.Select(d => d.Value))}; configured {string.Join(", ", Options.AcceptedNotes)} {Options.Currency}");
        }
        else
        {
            Faults.Clear(CommonFaults.AllInhibited.Code);
        }

        var mask = CcTalkInhibitMask.FromEnabled(enabled);
        await RequireAckAsync(CcTalkHeader.ModifyInhibitStatus, mask.ToBytes(_options.InhibitPolarity), cancellationToken).ConfigureAwait(false);
        var inhibits = await ReadStableAsync(CcTalkHeader.RequestInhibitStatus, ReadOnlyMemory<byte>.Empty, new CcTalkReplyShape(2, 8), cancellationToken).ConfigureAwait(false);
        if (!CcTalkInhibitMask.TryParse(inhibits, _options.InhibitPolarity, out var readBack) || readBack != mask)
        {
            throw new DeviceProtocolException($"inhibit mask written as {mask} reads back as {readBack}");
        }

        const CcTalkBillOperatingMode Mode = CcTalkBillOperatingMode.UseStacker | CcTalkBillOperatingMode.UseEscrow;
        var modify = await Link.ExchangeAsync((byte)CcTalkHeader.ModifyBillOperatingMode, new[] { (byte)Mode }, CcTalkReplyShape.Empty, cancellationToken).ConfigureAwait(false);
        var mode = modify.Kind == CcTalkReplyKind.Ack
            ? await ReadStableAsync(CcTalkHeader.RequestBillOperatingMode, ReadOnlyMemory<byte>.Empty, CcTalkReplyShape.Exactly(1), cancellationToken).ConfigureAwait(false)
            : null;
        if (mode is null || !((CcTalkBillOperatingMode)mode[0]).HasFlag(Mode))
        {
            // Without escrow every valid bill goes straight to the cash box: no limits, no decision, no rollback.
            throw new DeviceProtocolException("the validator does not take bill operating mode stacker + escrow; a kiosk needs escrow");
        }
    }

    /// <summary>Bill id (157) of every bill type and the scaling factor (156) of each country: values from the device.</summary>
    private async Task<IReadOnlyList<NoteDenomination>> ReadBillTableAsync(CancellationToken cancellationToken)
    {
        var ids = new List<(byte Type, CcTalkBillId Id)>();
        var answered = 0;
        for (var type = 1; type <= CcTalkInhibitMask.MaxBillType; type++)
        {
            var reply = await ReadStableAsync(CcTalkHeader.RequestBillId, new[] { (byte)type }, CcTalkReplyShape.Text, cancellationToken, nakIsNull: true).ConfigureAwait(false);
            if (reply is null)
            {
                continue;
            }

            answered++;
            if (!CcTalkBillId.TryParse(reply, out var id))
            {
                Logger.LogWarning("{Device}: bill type {Type} has id '{Id}', not of the form CCVVVVI; it stays inhibited", Name, type, CcTalkReply.Ascii(reply));
            }
            else if (id is not null)
            {
                ids.Add(((byte)type, id));
            }
        }

        if (answered == 0)
        {
            throw new DeviceProtocolException("the validator answers no REQUEST BILL ID: its bill values cannot be known");
        }

        var scaling = new Dictionary<string, CcTalkScalingFactor>(StringComparer.Ordinal);
        foreach (var country in ids.Select(i => i.Id.Country).Where(c => c.Length == 2).Distinct())
        {
            var reply = await ReadStableAsync(CcTalkHeader.RequestCountryScalingFactor, Encoding.ASCII.GetBytes(country), CcTalkReplyShape.Exactly(3), cancellationToken, nakIsNull: true).ConfigureAwait(false);
            if (reply is not null && CcTalkScalingFactor.TryParse(reply, out var factor) && factor.IsSupported)
            {
                scaling[country] = factor;
            }
            else
            {
                Logger.LogWarning("{Device}: no scaling factor for country {Country}; its bills stay inhibited", Name, country);
            }
        }

        var bills = new Note?[CcTalkInhibitMask.MaxBillType + 1];
        var denominations = new List<NoteDenomination>();
        foreach (var (type, id) in ids)
        {
            if (!scaling.TryGetValue(id.Country, out var factor))
            {
                continue;
            }

            var currency = id.Country == _options.CountryCode ? Options.Currency : id.Country;
            var value = new Money(factor.ValueOf(id.ValueCode), currency);
            bills[type] = new Note(type, value);
            denominations.Add(new NoteDenomination(type, value, Options.Accepts(value)));
        }

        _bills = bills;
        return denominations;
    }

    /// <summary>REQUEST SERIAL NUMBER (three bytes, least significant first) as decimal; "unknown" when not answered.</summary>
    private async Task<string> ReadSerialAsync(CancellationToken cancellationToken)
    {
        var reply = await ReadStableAsync(CcTalkHeader.RequestSerialNumber, ReadOnlyMemory<byte>.Empty, new CcTalkReplyShape(1, 4), cancellationToken, nakIsNull: true).ConfigureAwait(false);
        return reply is not null && CcTalkReply.TryParseSerialNumber(reply, out var serial)
            ? serial.ToString(CultureInfo.InvariantCulture)
            : "unknown";
    }

    /// <summary>An identification text. Null when the device does not answer it and it is optional.</summary>
    private async Task<string?> TextAsync(CcTalkHeader header, bool required, CancellationToken cancellationToken)
    {
        var exchange = await Link.ExchangeAsync((byte)header, ReadOnlyMemory<byte>.Empty, CcTalkReplyShape.Text, cancellationToken).ConfigureAwait(false);
        if (exchange.Kind == CcTalkReplyKind.Ack)
        {
            return CcTalkReply.Ascii(Link.ReplyData);
        }

        return required ? throw new DeviceProtocolException($"{CcTalkHeaderNames.Of(header)} answered {exchange.Kind}") : null;
    }

    /// <summary>
    /// Reads a reply that money depends on (bill ids, scaling, serial, settings) until two in a row agree: the 8-bit
    /// checksum misses some double errors, and a value read wrong would be credited wrong for as long as it is used.
    /// </summary>
    private async Task<byte[]?> ReadStableAsync(CcTalkHeader header, ReadOnlyMemory<byte> data, CcTalkReplyShape shape, CancellationToken cancellationToken, bool nakIsNull = false)
    {
        byte[]? previous = null;
        for (var attempt = 0; attempt < StableReadAttempts; attempt++)
        {
            var exchange = await Link.ExchangeAsync((byte)header, data, shape, cancellationToken).ConfigureAwait(false);
            if (exchange.Kind != CcTalkReplyKind.Ack)
            {
                return nakIsNull ? null : throw new DeviceProtocolException($"{CcTalkHeaderNames.Of(header)} answered {exchange.Kind}");
            }

            var reply = Link.ReplyData.ToArray();
            if (previous is not null && reply.AsSpan().SequenceEqual(previous))
            {
                return reply;
            }

            previous = reply;
        }

        throw new DeviceProtocolException($"{CcTalkHeaderNames.Of(header)} did not answer the same twice in {StableReadAttempts} reads");
    }
}
