using SevaKiosk.Protocol.Id003;

namespace SevaKiosk.Simulator.Devices.Validators.Id003;

/// <summary>What the simulated acceptor does with an escrow the host leaves undecided.</summary>
public enum Id003EscrowTimeoutAction
{
    /// <summary>REJECTING with 0x79 (INHIBITED), as one field report observed on a polled unit.</summary>
    RejectInhibited,

    /// <summary>RETURNING (0x18), as after a host RETURN.</summary>
    Return,
}

/// <summary>How the simulated acceptor answers a frame that failed its CRC.</summary>
public enum Id003CrcErrorReply
{
    /// <summary>COMMUNICATION ERROR (0x4A). The real trigger of 0x4A is UNCONFIRMED.</summary>
    CommunicationError,

    /// <summary>No reply at all; the host times out and polls again.</summary>
    Silence,
}

/// <summary>
/// Configuration of the simulated JCM acceptor. JCM's official timings are confidential (fact sheet §2.8), so every
/// duration and every behaviour the public sources disagree on is a setting here; the defaults follow the field
/// observations the fact sheet cites. All times run on the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed record Id003SimulatorOptions
{
    /// <summary>Time between the end of a host frame and the start of the reply.</summary>
    public TimeSpan ResponseDelay { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// A frame whose bytes stop arriving for this long is abandoned and its bytes rescanned, so a corrupted LNG
    /// cannot swallow the host's next commands. Null waits for the bytes forever. The real value is UNCONFIRMED.
    /// </summary>
    public TimeSpan? InterByteTimeout { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long INITIALIZE (0x1B) lasts after RESET before the unit reports DISABLE or ENABLE.</summary>
    public TimeSpan InitializeDuration { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Transport and validation of an inserted note (ACCEPTING) before ESCROW or REJECTING.</summary>
    public TimeSpan AcceptingDuration { get; init; } = TimeSpan.FromMilliseconds(800);

    /// <summary>Escrow left undecided while the host keeps polling (about 10 s observed).</summary>
    public TimeSpan EscrowTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>What happens when <see cref="EscrowTimeout"/> or <see cref="HoldTimeout"/> expires.</summary>
    public Id003EscrowTimeoutAction EscrowTimeoutAction { get; init; } = Id003EscrowTimeoutAction.RejectInhibited;

    /// <summary>Escrow with no frame at all from the host (about 3 s observed).</summary>
    public TimeSpan UnpolledEscrowTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>What happens when <see cref="UnpolledEscrowTimeout"/> expires.</summary>
    public Id003EscrowTimeoutAction UnpolledEscrowAction { get; init; } = Id003EscrowTimeoutAction.Return;

    /// <summary>How long one HOLD (or WAIT) keeps the note in escrow before the timeout action.</summary>
    public TimeSpan HoldTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>From STACK-1/STACK-2 to VEND VALID.</summary>
    public TimeSpan StackingDuration { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Into the stacking, when the note passes the point of no return (a power cut then gives 0x42, not 0x41).</summary>
    public TimeSpan StackerPointAfter { get; init; } = TimeSpan.FromMilliseconds(400);

    /// <summary>
    /// VEND VALID not acknowledged for this long hangs the unit: it answers nothing but RESET, as one field report
    /// observed. Null waits for the ACK forever. The real deadline is UNCONFIRMED.
    /// </summary>
    public TimeSpan? VendValidAckTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long STACKED (0x16) is reported before ENABLE.</summary>
    public TimeSpan StackedDuration { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>How long REJECTING (0x17) lasts before the note is back at the bezel.</summary>
    public TimeSpan RejectingDuration { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long RETURNING (0x18) lasts.</summary>
    public TimeSpan ReturningDuration { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long CHEATED (0x48) is reported after a fraud attempt.</summary>
    public TimeSpan CheatedDuration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Answer to a frame with a bad CRC.</summary>
    public Id003CrcErrorReply CrcErrorReply { get; init; } = Id003CrcErrorReply.CommunicationError;

    /// <summary>RESET puts every setting (C0..C7) back to its power-on value, so the host must send them again.</summary>
    public bool ResetRestoresSettings { get; init; } = true;

    /// <summary>The currency table answered to CURRENCY ASSIGN REQUEST (0x8A).</summary>
    public IReadOnlyList<Id003Denomination> Denominations { get; init; } = InrTable();

    /// <summary>Bit layout and polarity of SET ENABLE/DISABLE (0xC0).</summary>
    public Id003DenominationMask DenominationMask { get; init; } = Id003DenominationMask.Default;

    /// <summary>Reply to VERSION REQUEST (0x88).</summary>
    public string Version { get; init; } = "i(IND)100-SS ID003-05V100-00 01JAN25 5A5A";

    /// <summary>Reply to BOOT VERSION REQUEST (0x89).</summary>
    public string BootVersion { get; init; } = "B05 ";

    /// <summary>Notes the cash box holds before STACKER FULL (0x43); null for no limit.</summary>
    public int? StackerCapacity { get; init; }

    /// <summary>Seed of the line-noise generator, so that a noisy run can be replayed; null picks one.</summary>
    public int? Seed { get; init; }

    /// <summary>
    /// An INR table: escrow codes 0x61..0x66 for ₹10, 20, 50, 100, 200, 500, 0x67 for ₹2000 when asked (withdrawn
    /// from circulation but still legal tender), and an unassigned slot (base 0). The country code 0x63 is
    /// UNCONFIRMED (one public driver): read the table from the real unit during commissioning.
    /// </summary>
    public static IReadOnlyList<Id003Denomination> InrTable(bool include2000 = false)
    {
        long[] values = include2000 ? [10, 20, 50, 100, 200, 500, 2000] : [10, 20, 50, 100, 200, 500];
        var table = new List<Id003Denomination>();
        for (var i = 0; i < values.Length; i++)
        {
            table.Add(Id003Denomination.For((byte)(0x61 + i), Id003CountryCodes.Inr, values[i]));
        }

        table.Add(new Id003Denomination((byte)(0x61 + values.Length), 0, 0, 0));
        return table;
    }
}
