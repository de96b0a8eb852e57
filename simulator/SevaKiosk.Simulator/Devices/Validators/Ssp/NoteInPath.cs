namespace SevaKiosk.Simulator.Devices.Validators.Ssp;

/// <summary>Where a note is inside the validator.</summary>
public enum NotePhase
{
    /// <summary>Being scanned and validated; polls report READ 0.</summary>
    Reading,

    /// <summary>Validated and held at the escrow position; READ(channel) was queued.</summary>
    Escrow,

    /// <summary>Accepted by a POLL and travelling to the cash box; NOTE CREDIT comes at the credit point.</summary>
    Stacking,

    /// <summary>Travelling back to the bezel (rejected, returned by the host, timed out).</summary>
    Rejecting,
}

/// <summary>Which way a note stuck in the path is cleared by a power cycle or a technician clearing a jam.</summary>
public enum NoteDestination
{
    /// <summary>Out through the bezel to the user: NOTE CLEARED FROM FRONT, no credit.</summary>
    Front,

    /// <summary>On into the cash box: NOTE CLEARED INTO CASHBOX, the host must reconcile the credit.</summary>
    Cashbox,
}

public enum JamKind
{
    /// <summary>SAFE NOTE JAM: the note is out of the user's reach.</summary>
    Safe,

    /// <summary>UNSAFE NOTE JAM: the user might pull the note out.</summary>
    Unsafe,
}

/// <summary>The one note the validator handles at a time.</summary>
internal sealed class NoteInPath
{
    public NoteInPath(long value, byte channel, NoteOutcome outcome, DateTimeOffset insertedAt)
    {
        Value = value;
        Channel = channel;
        Outcome = outcome;
        PhaseStartedAt = insertedAt;
    }

    /// <summary>Face value the user inserted (may not be in the dataset).</summary>
    public long Value { get; }

    /// <summary>Dataset channel of the value, 0 when the dataset has none.</summary>
    public byte Channel { get; }

    public NoteOutcome Outcome { get; }

    public NotePhase Phase { get; private set; } = NotePhase.Reading;

    public DateTimeOffset PhaseStartedAt { get; private set; }

    /// <summary>READ(channel) went out in a poll reply: the next executed POLL accepts the note.</summary>
    public bool EscrowReported { get; set; }

    /// <summary>The note passed the credit point and NOTE CREDIT was queued.</summary>
    public bool Credited { get; set; }

    /// <summary>NOTE CREDIT went out in a poll reply (queued events are lost at a power cycle, delivered ones are not).</summary>
    public bool CreditDelivered { get; set; }

    /// <summary>Reject code while <see cref="NotePhase.Rejecting"/>.</summary>
    public byte RejectCode { get; private set; }

    /// <summary>True when the note was returned from escrow (host REJECT, timeout, disable) rather than refused on reading.</summary>
    public bool ReturnedFromEscrow { get; private set; }

    /// <summary>The channel the host can know about: 0 until the note has been validated.</summary>
    public byte ReportedChannel => Phase == NotePhase.Reading ? (byte)0 : Channel;

    public void EnterEscrow(DateTimeOffset at) => Enter(NotePhase.Escrow, at);

    public void EnterStacking(DateTimeOffset at) => Enter(NotePhase.Stacking, at);

    public void EnterRejecting(DateTimeOffset at, byte code)
    {
        ReturnedFromEscrow = Phase == NotePhase.Escrow;
        RejectCode = code;
        Enter(NotePhase.Rejecting, at);
    }

    private void Enter(NotePhase phase, DateTimeOffset at)
    {
        Phase = phase;
        PhaseStartedAt = at;
    }
}
