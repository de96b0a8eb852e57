using Microsoft.Extensions.Logging;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Protocol.Ssp;

namespace SevaKiosk.Hal.CashAcceptors.Ssp;

/// <summary>What each poll event means for the note in the path, the transaction and the faults.</summary>
public sealed partial class SspCashAcceptor
{
    private Note? _creditedNotStacked;

    /// <summary>Conditions SSP reports on every poll while they last; absent from a poll means cleared.</summary>
    [Flags]
    private enum Conditions
    {
        None = 0,
        Disabled = 1,
        JamSafe = 2,
        JamUnsafe = 4,
        StackerFull = 8,
        PathOpen = 16,
        AllInhibited = 32,
        Initialising = 64,

        /// <summary>REJECTING/STACKING for a note this connection never decided on (held from before a restart).</summary>
        Rejecting = 128,
        Stacking = 256,
    }

    private async Task<Conditions> HandleAsync(SspEvent e, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        var tx = EventTransactionId;
        switch (e.Code)
        {
            case SspEventCode.SlaveReset:
                Logger.LogWarning("{Device}: SLAVE RESET", Name);
                _reading = false;
                _escrow = null;
                _returning = null;
                return Conditions.None;

            case SspEventCode.Read when e.Channel == 0:
                _reading = true;
                return Conditions.None;

            case SspEventCode.Read:
                _reading = false;
                _escrow = NoteForChannel(e.Channel);
                UpdateStatus(s => s with { Acceptor = AcceptorState.Escrow, InEscrow = _escrow });
                return Conditions.None;

            case SspEventCode.NoteCredit:
                var credited = NoteForChannel(e.Channel);
                if (_accepted is { } accepted && accepted.DeviceCode != e.Channel)
                {
                    Logger.LogWarning("{Device}: credit on channel {Channel} but channel {Accepted} was accepted; the device's word counts", Name, e.Channel, accepted.DeviceCode);
                }

                _accepted = null;
                _escrow = null;
                _reading = false;
                _creditedNotStacked = credited;
                await CreditAsync(credited, _serial, cancellationToken).ConfigureAwait(false);
                return Conditions.None;

            case SspEventCode.Rejecting:
                UpdateStatus(s => s with { Acceptor = AcceptorState.Rejecting });
                return Conditions.Rejecting;

            case SspEventCode.Rejected:
                await RejectedAsync(now, tx, cancellationToken).ConfigureAwait(false);
                return Conditions.None;

            case SspEventCode.Stacking:
                UpdateStatus(s => s with { Acceptor = AcceptorState.Stacking });
                return Conditions.Stacking;

            case SspEventCode.Stacked:
                var stacked = _creditedNotStacked;
                _creditedNotStacked = null;
                await PublishAsync(new NoteStacked(now, tx, stacked), cancellationToken).ConfigureAwait(false);
                return Conditions.None;

            case SspEventCode.SafeNoteJam:
                return Conditions.JamSafe;

            case SspEventCode.UnsafeNoteJam:
                return Conditions.JamUnsafe;

            case SspEventCode.Disabled:
                return Conditions.Disabled;

            case SspEventCode.FraudAttempt:
                _reading = false;
                var suspect = e.Channel == 0 ? null : NoteForChannel(e.Channel);
                RaiseFraud(suspect is null ? "channel unknown" : $"on a {suspect} note");
                await PublishAsync(new FraudDetected(now, tx, suspect, "SSP FRAUD ATTEMPT"), cancellationToken).ConfigureAwait(false);
                return Conditions.None;

            case SspEventCode.StackerFull:
                return Conditions.StackerFull;

            case SspEventCode.NoteClearedFromFront:
                await ClearedAtPowerUpAsync(e.Channel, intoCashbox: false, now, tx, cancellationToken).ConfigureAwait(false);
                return Conditions.None;

            case SspEventCode.NoteClearedIntoCashbox:
                await ClearedAtPowerUpAsync(e.Channel, intoCashbox: true, now, tx, cancellationToken).ConfigureAwait(false);
                return Conditions.None;

            case SspEventCode.CashboxRemoved:
                Faults.Raise(CommonFaults.CashboxRemoved);
                UpdateStatus(s => s with { Cashbox = CashboxState.Removed });
                await PublishAsync(new CashboxChanged(now, tx, CashboxState.Removed), cancellationToken).ConfigureAwait(false);
                return Conditions.None;

            case SspEventCode.CashboxReplaced:
                Faults.Clear(CommonFaults.CashboxRemoved.Code);
                UpdateStatus(s => s with { Cashbox = CashboxState.Present });
                await PublishAsync(new CashboxChanged(now, tx, CashboxState.Present), cancellationToken).ConfigureAwait(false);
                return Conditions.None;

            case SspEventCode.NotePathOpen:
                return Conditions.PathOpen;

            case SspEventCode.ChannelDisable:
                return Conditions.AllInhibited;

            case SspEventCode.Initialising:
                return Conditions.Initialising;

            default:
                // Known codes for tickets and payout units: no money moves through a pay-in validator on these.
                Logger.LogDebug("{Device}: ignoring {Event}", Name, e);
                return Conditions.None;
        }
    }

    private async Task RejectedAsync(DateTimeOffset now, Guid? tx, CancellationToken cancellationToken)
    {
        var reply = await CommandAsync(SspCommand.LastRejectCode, cancellationToken).ConfigureAwait(false);
        var code = reply.Span.Length >= 2 && reply.Span[0] == (byte)SspGenericResponse.Ok ? reply.Span[1] : (byte)0xFF;
        var wasReading = _reading;
        _reading = false;
        if (_returning is { } returning)
        {
            _returning = null;
            await PublishAsync(new NoteReturned(now, tx, returning.Note, returning.Cause), cancellationToken).ConfigureAwait(false);
        }
        else if ((_escrow ?? _accepted) is { } escrowed)
        {
            // The device gave the note back on its own (escrow timeout 0x13 while the link was down, or similar):
            // even a note we had accepted was never credited.
            _escrow = null;
            _accepted = null;
            var cause = code == (byte)SspRejectReason.EscrowTimeout ? ReturnCause.Timeout : ReturnCause.Device;
            await PublishAsync(new NoteReturned(now, tx, escrowed, cause), cancellationToken).ConfigureAwait(false);
        }
        else if (!wasReading && code is (byte)SspRejectReason.EscrowTimeout or (byte)SspRejectReason.DisabledByHost)
        {
            // A note this connection never saw being read came back by escrow timeout or by our DISABLE: it was held
            // in escrow when the previous host went away (the firmware restarted). It is not a refused note but the
            // one the host's journal still has in escrow, leaving from the front: report it the way a power-up clear
            // is reported, so the journal settles that note instead of leaving it undecided.
            Logger.LogWarning("{Device}: a note held in escrow before this connection came back ({Reason})", Name, SspRejectReasons.Name(code));
            await PublishAsync(new NoteClearedAtPowerUp(now, tx, null, IntoCashbox: false, _serial), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await PublishAsync(new NoteRejected(now, tx, SspRejectReasons.Name(code), code, SspRejectReasons.IsFraudSuspect(code)), cancellationToken).ConfigureAwait(false);
        }

        UpdateStatus(s => s with { InEscrow = null });
    }

    private async Task ClearedAtPowerUpAsync(byte channel, bool intoCashbox, DateTimeOffset now, Guid? tx, CancellationToken cancellationToken)
    {
        var note = channel == 0 ? null : NoteForChannel(channel);
        if (intoCashbox && _creditedNotStacked is { } credited && (channel == 0 || credited.DeviceCode == channel))
        {
            // Credited before the power cut and pushed home at power-up: the credit already counted it.
            Logger.LogInformation("{Device}: {Note} cleared into the cash box was already credited", Name, credited);
            _creditedNotStacked = null;
            await PublishAsync(new NoteStacked(now, tx, credited), cancellationToken).ConfigureAwait(false);
            return;
        }

        if (_accepted is { } accepted && (channel == 0 || accepted.DeviceCode == channel))
        {
            note ??= accepted;
            _accepted = null;
        }

        _escrow = null;
        _reading = false;
        Logger.LogWarning("{Device}: note {Note} cleared {Where} at power-up", Name, note?.ToString() ?? "of unknown value", intoCashbox ? "into the cash box" : "from the front");
        await PublishAsync(new NoteClearedAtPowerUp(now, tx, note, intoCashbox, _serial), cancellationToken).ConfigureAwait(false);
    }

    private void ApplyConditions(Conditions c)
    {
        SetFault(CommonFaults.JamSafe, c.HasFlag(Conditions.JamSafe));
        SetFault(CommonFaults.JamUnsafe, c.HasFlag(Conditions.JamUnsafe));
        SetFault(CommonFaults.StackerFull, c.HasFlag(Conditions.StackerFull));
        SetFault(CommonFaults.PathOpen, c.HasFlag(Conditions.PathOpen));
        if (c.HasFlag(Conditions.AllInhibited))
        {
            Faults.Raise(CommonFaults.AllInhibited, "the device reports every channel inhibited");
        }

        ExpireFraud();

        var jammed = c.HasFlag(Conditions.JamSafe) || c.HasFlag(Conditions.JamUnsafe);
        UpdateStatus(s => s with
        {
            Acceptor = jammed ? AcceptorState.Jammed
                : c.HasFlag(Conditions.Initialising) ? AcceptorState.Initialising
                : _escrow is not null ? AcceptorState.Escrow
                : _returning is not null ? AcceptorState.Returning
                : _accepted is not null ? AcceptorState.Stacking
                : _reading ? AcceptorState.Reading
                : c.HasFlag(Conditions.Rejecting) ? AcceptorState.Rejecting
                : c.HasFlag(Conditions.Stacking) ? AcceptorState.Stacking
                : _accepting && !c.HasFlag(Conditions.Disabled) ? AcceptorState.Idle
                : AcceptorState.Disabled,
            Cashbox = c.HasFlag(Conditions.StackerFull) ? CashboxState.Full
                : s.Cashbox == CashboxState.Full ? CashboxState.Present
                : s.Cashbox,
            InEscrow = _escrow,
        });

        if (_accepting && c.HasFlag(Conditions.Disabled) && !jammed)
        {
            // The device disabled itself while we want notes (seen on some units after errors): enable again.
            Logger.LogWarning("{Device}: reports DISABLED while accepting; re-enabling", Name);
            _accepting = false;
        }
    }
}
