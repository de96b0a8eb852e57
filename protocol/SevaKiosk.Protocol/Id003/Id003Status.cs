namespace SevaKiosk.Protocol.Id003;

/// <summary>
/// Statuses from the acceptor to the controller (fact sheet §2.3), the reply to STATUS REQUEST and, for ACK and
/// INVALID COMMAND, to operation commands. Replies to setting commands and requests reuse the command byte and are
/// named by <see cref="Id003Names.Of(Id003Direction, byte)"/>.
/// </summary>
public enum Id003Status : byte
{
    /// <summary>Ready, no bill ("ENABLE (IDLING)").</summary>
    EnableIdling = 0x11,
    Accepting = 0x12,

    /// <summary>Data: escrow code (0x61..), or 0x6F followed by the ASCII ticket number.</summary>
    Escrow = 0x13,
    Stacking = 0x14,

    /// <summary>The credit point: the controller must answer with ACK (0x50).</summary>
    VendValid = 0x15,
    Stacked = 0x16,

    /// <summary>Data: one reject code (<see cref="Id003RejectCode"/>).</summary>
    Rejecting = 0x17,
    Returning = 0x18,
    Holding = 0x19,

    /// <summary>Acceptance inhibited ("DISABLE (INHIBIT)"): INHIBIT set or every denomination disabled.</summary>
    DisableInhibit = 0x1A,
    Initialize = 0x1B,

    PowerUp = 0x40,

    /// <summary>A bill was in the transport at power-up; it is returned after RESET.</summary>
    PowerUpWithBillInAcceptor = 0x41,

    /// <summary>A bill was past the point of no return at power-up; it is stacked after RESET.</summary>
    PowerUpWithBillInStacker = 0x42,

    StackerFull = 0x43,
    StackerOpen = 0x44,
    JamInAcceptor = 0x45,
    JamInStacker = 0x46,

    /// <summary>Meaning UNCONFIRMED (a second bill inserted while the first is processed).</summary>
    Pause = 0x47,
    Cheated = 0x48,

    /// <summary>Data: one failure code (<see cref="Id003FailureCode"/>).</summary>
    Failure = 0x49,

    /// <summary>The acceptor received a bad frame; exact trigger UNCONFIRMED.</summary>
    CommunicationError = 0x4A,
    InvalidCommand = 0x4B,

    /// <summary>Reply to RESET, STACK-1/2, RETURN, HOLD and WAIT.</summary>
    Ack = 0x50,

    ProgramSignatureBusy = 0xDE,
    ProgramSignatureEnd = 0xDF,

    /// <summary>Extension status of recycler units (UBA/iVIZION: <c>F0 20 ...</c>); not used by a stacker-only kiosk.</summary>
    Extension = 0xF0,
}

/// <summary>Classification of statuses for drivers, traces and the simulator.</summary>
public static class Id003Statuses
{
    /// <summary>True for a byte that is a defined <see cref="Id003Status"/>.</summary>
    public static bool IsKnown(byte code) => Enum.IsDefined((Id003Status)code);

    /// <summary>The error statuses 0x43..0x4A (stacker full/open, jams, pause, cheated, failure, communication error).</summary>
    public static bool IsError(byte code) => code is >= 0x43 and <= 0x4A;

    /// <summary>POWER UP, with or without a bill in the acceptor or stacker.</summary>
    public static bool IsPowerUp(byte code) => code is >= 0x40 and <= 0x42;
}
