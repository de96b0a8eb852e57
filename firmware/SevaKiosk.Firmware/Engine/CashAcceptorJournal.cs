using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SevaKiosk.Firmware.Journal;
using SevaKiosk.Hal.CashAcceptors;

namespace SevaKiosk.Firmware.Engine;

/// <summary>
/// Writes every cash-acceptor event to the journal before the driver talks to the device again (the driver awaits
/// observers). Maps the driver's cash-in transaction ids to the citizen's session.
/// </summary>
public sealed class CashAcceptorJournal : ICashAcceptorObserver
{
    private readonly KioskJournal _journal;
    private readonly ILogger _logger;
    // A cash-in's events all arrive before the engine starts the next session; the last few are kept so a late event
    // still finds its session, and the map stays bounded however long the kiosk runs (it grew by one per session).
    private const int KeptBindings = 8;
    private readonly ConcurrentDictionary<Guid, string> _sessions = new();
    private readonly ConcurrentQueue<Guid> _bound = new();
    // 0 = no note in escrow (journal ids start at 1); a plain long so reads and writes are atomic across threads.
    private long _escrowNoteId;

    public CashAcceptorJournal(KioskJournal journal, ILogger<CashAcceptorJournal>? logger = null)
    {
        _journal = journal;
        _logger = logger ?? NullLogger<CashAcceptorJournal>.Instance;
    }

    /// <summary>Raised after each event is journaled (the engine follows progress; telemetry counts).</summary>
    public event Action<CashAcceptorEvent>? Journaled;

    /// <summary>The journal id of the note now in escrow (set when its NOTE_ESCROWED was journaled).</summary>
    public long? EscrowNoteId => Volatile.Read(ref _escrowNoteId) is var id and > 0 ? id : null;

    public void Bind(Guid cashInTransaction, string sessionId)
    {
        _sessions[cashInTransaction] = sessionId;
        _bound.Enqueue(cashInTransaction);
        while (_bound.Count > KeptBindings && _bound.TryDequeue(out var oldest))
        {
            _sessions.TryRemove(oldest, out _);
        }
    }

    public ValueTask OnEventAsync(CashAcceptorEvent e, CancellationToken cancellationToken)
    {
        var session = e.TransactionId is { } id && _sessions.TryGetValue(id, out var s) ? s : null;
        switch (e)
        {
            case NoteEscrowed escrowed when session is not null:
                Volatile.Write(ref _escrowNoteId, _journal.NoteEscrowed(session, escrowed.Note));
                break;
            case NoteCredited credited:
                _journal.NoteCredited(credited, session);
                Volatile.Write(ref _escrowNoteId, 0);
                break;
            case NoteReturned when EscrowNoteId is { } noteId:
                _journal.NoteReturned(noteId, ((NoteReturned)e).Cause);
                Volatile.Write(ref _escrowNoteId, 0);
                break;
            case NoteRejected rejected:
                _journal.NoteRejected(session, rejected.Reason);
                break;
            case NoteClearedAtPowerUp cleared:
                _journal.NoteClearedAtPowerUp(cleared);
                Volatile.Write(ref _escrowNoteId, 0);
                break;
            case CashboxChanged { State: CashboxState.Removed }:
                _journal.CloseCashboxBatch("cash box removed");
                break;
            case CashboxChanged { State: CashboxState.Present }:
                _journal.OpenCashboxBatch("cash box inserted");
                break;
            default:
                _journal.RecordEvent(session, e.Kind, Describe(e));
                break;
        }

        _logger.LogDebug("journaled {Event}", e);
        Journaled?.Invoke(e);
        return ValueTask.CompletedTask;
    }

    private static object? Describe(CashAcceptorEvent e) => e switch
    {
        FraudDetected f => new { note = f.Note?.Value?.Amount, f.Detail },
        DeviceReset r => new { r.Detail },
        NoteEscrowed n => new { note = n.Note.Value?.Amount, outside = "no session" },
        NoteReturned n => new { note = n.Note.Value?.Amount, cause = n.Cause.ToString() },
        NoteStacked n => new { note = n.Note?.Value?.Amount },
        _ => null,
    };
}
