using SevaKiosk.Firmware.Journal;
using SevaKiosk.Hal.CashAcceptors;

namespace SevaKiosk.Firmware.Engine;

/// <summary>
/// The escrow decision for one session: the biller's amount rule decides, the citizen is told why a note comes
/// back, and an accepted note's intent is committed to the journal before the device is told to stack it.
/// </summary>
internal sealed class EscrowRule : ICashInHandler
{
    private readonly string _sessionId;
    private readonly AmountPolicy _policy;
    private readonly KioskJournal _journal;
    private readonly CashAcceptorJournal _observer;
    private readonly ICitizenInterface _citizen;
    private readonly Action _activity;

    public EscrowRule(string sessionId, AmountPolicy policy, KioskJournal journal, CashAcceptorJournal observer, ICitizenInterface citizen, Action activity)
    {
        _sessionId = sessionId;
        _policy = policy;
        _journal = journal;
        _observer = observer;
        _citizen = citizen;
        _activity = activity;
    }

    public async ValueTask<EscrowDecision> DecideAsync(EscrowedNote note, CancellationToken cancellationToken)
    {
        _activity();
        var credited = _journal.CreditedTotal(_sessionId, _policy.Total.Currency);
        var verdict = note.Note.Value is { } value
            ? _policy.Evaluate(credited, value)
            : new NoteVerdict(false, "the note could not be identified");
        if (!verdict.Accept)
        {
            await _citizen.ShowAsync(new KioskMessage("note-returned", verdict.Reason ?? "note returned", note.Note.Value), cancellationToken).ConfigureAwait(false);
            return EscrowDecision.Return;
        }

        if (_observer.EscrowNoteId is not { } noteId)
        {
            // Without its escrow row the intent cannot be made durable: refuse rather than take cash unrecorded.
            return EscrowDecision.Return;
        }

        _journal.NoteAccepting(noteId);
        if (verdict.Reason is { } info)
        {
            await _citizen.ShowAsync(new KioskMessage("note-excess", info, note.Note.Value), cancellationToken).ConfigureAwait(false);
        }

        return EscrowDecision.Accept;
    }
}
