using System.Globalization;
using Microsoft.Extensions.Logging;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Protocol.Id003;

namespace SevaKiosk.Hal.CashAcceptors.Id003;

/// <summary>
/// Start-up (fact sheet §2.7): STATUS REQUEST → POWER UP (40/41/42, reconciled against what the driver knows) → RESET →
/// INITIALIZE → VERSION, BOOT VERSION, CURRENCY ASSIGN → settings C0, C1, C2, C4 [C5], each echo compared → INHIBIT on.
/// The identity requests come before the settings because C0 and C1 are computed from the unit's currency table.
/// A unit found running (a reconnect) is not reset: a note on its way is followed to its end first, then the settings
/// are sent again. INHIBIT goes off only while a transaction is open, so the bezel never invites a note nobody will
/// account for.
/// </summary>
public sealed partial class Id003CashAcceptor
{
    /// <summary>The first status of a connection. A unit silent right after a credited VEND VALID gets a RESET.</summary>
    private async Task<Id003Reply> FirstStatusAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await PollStatusAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DeviceLinkException) when (_options.ResetHungUnit && _creditedNotStacked is { } credited)
        {
            // A unit whose VEND VALID ACK was lost hangs, answering nothing but RESET (MON). That note is past the
            // point of no return and was credited at VEND VALID, so RESET, which stacks it, moves no unknown money.
            // Still silent: the RESET throws too and the unit is offline.
            Logger.LogWarning("{Device}: silent after the credited VEND VALID of {Note}; sending RESET to a unit hung on a lost ACK", Name, credited);
            await ResetAsync(cancellationToken).ConfigureAwait(false);
            await PublishAsync(new DeviceReset(Time.GetUtcNow(), EventTransactionId, "the validator hung after VEND VALID and was reset"), cancellationToken).ConfigureAwait(false);
            _creditedNotStacked = null;
            await PublishAsync(new NoteStacked(Time.GetUtcNow(), EventTransactionId, credited), cancellationToken).ConfigureAwait(false);
            return await AwaitStatusAsync(s => !Id003Statuses.IsPowerUp(s), "POWER UP", cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task InitializeAsync(Id003Reply first, CancellationToken cancellationToken)
    {
        _initializing = true;
        try
        {
            var status = await FollowNoteToItsEndAsync(first, cancellationToken).ConfigureAwait(false);
            if (Id003Statuses.IsPowerUp(status.Code))
            {
                await ReconcilePowerUpAsync(status.Code, cancellationToken).ConfigureAwait(false);
                await ResetAsync(cancellationToken).ConfigureAwait(false);
                await AwaitStatusAsync(s => !Id003Statuses.IsPowerUp(s), "POWER UP", cancellationToken).ConfigureAwait(false);
            }

            await ConfigureAsync(cancellationToken).ConfigureAwait(false);
            await AwaitStatusAsync(s => s != (byte)Id003Status.Initialize, "INITIALIZE", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _initializing = false;
        }
    }

    /// <summary>
    /// A unit found mid-note (a reconnect) finishes that note before anything is reconfigured: VEND VALID is
    /// acknowledged and credited, never answered with RESET (Lamassu's lost credit).
    /// </summary>
    private async Task<Id003Reply> FollowNoteToItsEndAsync(Id003Reply status, CancellationToken cancellationToken)
    {
        var until = Time.GetUtcNow() + Options.SettleTimeout;
        while (!Id003Statuses.IsPowerUp(status.Code) && status.Code != (byte)Id003Status.Initialize)
        {
            await HandleStatusAsync(status, cancellationToken).ConfigureAwait(false);
            if (!IsNoteMoving(status.Code) || Time.GetUtcNow() >= until)
            {
                break;
            }

            await Task.Delay(Options.PollInterval, Time, cancellationToken).ConfigureAwait(false);
            status = await PollStatusAsync(cancellationToken).ConfigureAwait(false);
        }

        return status;
    }

    /// <summary>
    /// POWER UP WITH BILL IN ACCEPTOR: RESET returns the note, nothing is owed. POWER UP WITH BILL IN STACKER: RESET
    /// stacks it, so it is settled as taken, unless it is the very note already credited at VEND VALID. Published
    /// once per power-up, before RESET, so a RESET whose ACK is lost cannot lose the settlement.
    /// </summary>
    private async Task ReconcilePowerUpAsync(byte powerUp, CancellationToken cancellationToken)
    {
        if (_powerUpReconciled == powerUp)
        {
            return;
        }

        _powerUpReconciled = powerUp;
        var now = Time.GetUtcNow();
        var tx = EventTransactionId;
        if (Capabilities is not null)
        {
            await PublishAsync(new DeviceReset(now, tx, $"{Id003Names.Status(powerUp)}: the validator lost power and was re-initialised"), cancellationToken).ConfigureAwait(false);
        }

        var credited = _creditedNotStacked;
        var pending = _accepted ?? _returning?.Note;
        var returning = _returning;
        _creditedNotStacked = null;
        Accepted(null);
        _returning = null;
        _escrow = null;
        if (credited is not null)
        {
            // Its VEND VALID was acknowledged: it was past the point of no return and the credit already counted it.
            Logger.LogInformation("{Device}: {Note} credited before the power cut is in the cash box", Name, credited);
            await PublishAsync(new NoteStacked(now, tx, credited), cancellationToken).ConfigureAwait(false);
        }

        switch ((Id003Status)powerUp)
        {
            case Id003Status.PowerUpWithBillInStacker when credited is null || pending is not null:
                Logger.LogWarning("{Device}: note {Note} in the stacker at power-up is settled as taken", Name, pending?.ToString() ?? "of unknown value");
                await PublishAsync(new NoteClearedAtPowerUp(now, tx, pending, IntoCashbox: true, _serial), cancellationToken).ConfigureAwait(false);
                break;
            case Id003Status.PowerUpWithBillInAcceptor:
                Logger.LogWarning("{Device}: note {Note} in the acceptor at power-up goes back to the customer", Name, pending?.ToString() ?? "of unknown value");
                await PublishAsync(new NoteClearedAtPowerUp(now, tx, pending, IntoCashbox: false, _serial), cancellationToken).ConfigureAwait(false);
                break;
            case Id003Status.PowerUp when pending is not null:
                // No note in the unit: the one we had told to stack or return never reached VEND VALID, so it went
                // back out while we were not looking.
                Logger.LogWarning("{Device}: {Note} was not in the unit at power-up: it was returned", Name, pending);
                await PublishAsync(new NoteReturned(now, tx, pending, returning?.Cause ?? ReturnCause.Device), cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private async Task ResetAsync(CancellationToken cancellationToken)
    {
        var reply = await _link.ExchangeAsync(Id003Command.Reset, cancellationToken).ConfigureAwait(false);
        if (reply.Code != (byte)Id003Status.Ack)
        {
            throw new DeviceProtocolException($"RESET answered {reply.Describe()}");
        }

        _inhibited = null;
        UpdateStatus(s => s with { Acceptor = AcceptorState.Initialising, InEscrow = null });
        if (_options.InitPause > TimeSpan.Zero)
        {
            await Task.Delay(_options.InitPause, Time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Polls until the status satisfies <paramref name="done"/>; faults it reports meanwhile are raised.</summary>
    private async Task<Id003Reply> AwaitStatusAsync(Func<byte, bool> done, string waitingOut, CancellationToken cancellationToken)
    {
        var until = Time.GetUtcNow() + _options.InitTimeout;
        while (true)
        {
            var reply = await PollStatusAsync(cancellationToken).ConfigureAwait(false);
            if (Id003Statuses.IsKnown(reply.Code))
            {
                await ApplyConditionsAsync(reply, cancellationToken).ConfigureAwait(false);
                _lastStatus = reply.Code;
            }

            if (done(reply.Code))
            {
                return reply;
            }

            if (Time.GetUtcNow() >= until)
            {
                throw new DeviceProtocolException($"the validator still reports {reply.Describe()} {_options.InitTimeout.TotalSeconds:0.#} s after start-up began (waiting out {waitingOut})");
            }

            await Task.Delay(Options.PollInterval, Time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ConfigureAsync(CancellationToken cancellationToken)
    {
        var version = Id003VersionInfo.Parse((await RequestAsync(Id003Command.VersionRequest, cancellationToken).ConfigureAwait(false)).Data);
        var boot = Id003BootVersion.Parse((await RequestAsync(Id003Command.BootVersionRequest, cancellationToken).ConfigureAwait(false)).Data);
        IReadOnlyList<Id003Denomination> table;
        try
        {
            table = Id003CurrencyAssignment.Parse((await RequestAsync(Id003Command.CurrencyAssignRequest, cancellationToken).ConfigureAwait(false)).Data);
        }
        catch (Id003DecodeException ex)
        {
            throw new DeviceProtocolException($"CURRENCY_ASSIGN: {ex.Message}", ex);
        }

        var denominations = Denominations(table);
        _values = denominations.ToDictionary(d => (byte)d.DeviceCode, d => d.Value);
        var mask = _options.DenominationMask;
        var enabled = denominations.Where(d => d.Enabled).Select(d => (byte)d.DeviceCode).ToHashSet();
        var highSecurity = denominations.Where(d => _options.HighSecurityNotes.Contains(d.Value.Amount)).Select(d => (byte)d.DeviceCode);
        var maskCodes = Enumerable.Range(mask.FirstEscrowCode, 8 * Id003DenominationMask.Length).Select(c => (byte)c).ToArray();
        var outside = denominations.Where(d => d.Enabled && !maskCodes.Contains((byte)d.DeviceCode)).ToArray();
        if (outside.Length > 0)
        {
            throw new DeviceProtocolException($"escrow codes {string.Join(", ", outside.Select(d => $"0x{d.DeviceCode:X2}"))} have no bit in a denomination mask starting at 0x{mask.FirstEscrowCode:X2}: check DenominationMask");
        }

        await SettingAsync(Id003Command.SetEnableDisable, mask.EncodeEnabled(maskCodes.Select(c => (c, enabled.Contains(c)))), cancellationToken).ConfigureAwait(false);
        await SettingAsync(Id003Command.SetSecurity, mask.EncodeBits(highSecurity.Where(maskCodes.Contains)), cancellationToken).ConfigureAwait(false);
        await SettingAsync(Id003Command.SetCommunicationMode, [0x00], cancellationToken).ConfigureAwait(false);
        await SettingAsync(Id003Command.SetDirection, [_options.InhibitedDirections], cancellationToken).ConfigureAwait(false);
        if (_options.OptionalFunctionData() is { } optional)
        {
            await SettingAsync(Id003Command.SetOptionalFunction, optional, cancellationToken).ConfigureAwait(false);
        }

        await SetAcceptingAsync(false, cancellationToken).ConfigureAwait(false);

        if (enabled.Count == 0)
        {
            Faults.Raise(CommonFaults.AllInhibited, $"device offers {string.Join(", ", denominations.Select(d => d.Value))}; configured {string.Join(", ", Options.AcceptedNotes)} {Options.Currency}");
        }
        else
        {
            Faults.Clear(CommonFaults.AllInhibited.Code);
        }

        Identity = new Id003Identity(version, boot, table);
        Capabilities = new CashAcceptorCapabilities(
            "id003",
            ProtocolRevision(version),
            version.Model ?? version.Raw,
            $"{version.Firmware ?? version.Raw} (boot {boot})",
            null,
            _serial,
            Options.Currency,
            denominations,
            CanHoldEscrow: true,
            Encrypted: false);
        UpdateStatus(s => s with { Cashbox = s.Cashbox == CashboxState.Unknown ? CashboxState.Present : s.Cashbox });
        Logger.LogInformation(
            "{Device}: {Version}, boot {Boot}, notes {Notes}, adapter echo {Echo}",
            Name, version.Raw, boot, string.Join(" ", denominations.Select(d => d.ToString())), _link.AdapterEchoes?.ToString() ?? "unknown");
    }

    /// <summary>The assigned slots of the currency table as denominations, enabled when configured.</summary>
    private NoteDenomination[] Denominations(IReadOnlyList<Id003Denomination> table)
    {
        var result = new List<NoteDenomination>();
        foreach (var slot in table.Where(s => s.IsAssigned))
        {
            // A country code not in the table cannot be trusted with a currency: "XXX" (no currency) keeps the note
            // out of every transaction until CountryCode is configured.
            var currency = slot.CountryCode == _options.CountryCode ? Options.Currency : slot.Currency ?? "XXX";
            var value = new Money(slot.Value, currency);
            if (currency == "XXX")
            {
                Logger.LogWarning("{Device}: escrow code 0x{Code:X2} has unknown country code 0x{Country:X2}; set CountryCode if it is {Currency}", Name, slot.EscrowCode, slot.CountryCode, Options.Currency);
            }

            result.Add(new NoteDenomination(slot.EscrowCode, value, Options.Accepts(value)));
        }

        return [.. result];
    }

    /// <summary>"ID003-05" → 5; 0 when the version text does not say.</summary>
    private static int ProtocolRevision(Id003VersionInfo version)
    {
        if (version.Protocol is not { } protocol)
        {
            return 0;
        }

        var dash = protocol.LastIndexOf('-');
        return dash >= 0 && int.TryParse(protocol.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var revision) ? revision : 0;
    }
}
