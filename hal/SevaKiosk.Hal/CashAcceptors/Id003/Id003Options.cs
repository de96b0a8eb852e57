using System.Globalization;
using SevaKiosk.Protocol.Id003;

namespace SevaKiosk.Hal.CashAcceptors.Id003;

/// <summary>Whether the serial adapter sends our own bytes back to us (many TTL and RS-485 adapters do).</summary>
public enum Id003EchoMode
{
    /// <summary>Learned per connection from replies that can never equal the command (RESET, HOLD, 88/89/8A ...).</summary>
    Auto,

    /// <summary>The adapter always echoes: the first frame identical to the one just sent is dropped.</summary>
    Present,

    /// <summary>The adapter never echoes: every frame is a reply (an idle unit's ENABLE equals STATUS REQUEST).</summary>
    Absent,
}

/// <summary>
/// ID-003 driver settings (configuration section <c>Validator</c> with <c>Protocol = id003</c>). JCM's official
/// timings and several bit meanings are confidential: each value the public sources leave open is a setting here,
/// with the default the fact sheet's sources observed (see the README's UNCONFIRMED list).
/// </summary>
public sealed record Id003Options : CashAcceptorOptions
{
    public Id003Options()
    {
        // ARI uses 50 ms, MON 200 ms; the longest reply (VERSION, about 45 bytes) takes 47 ms at 9600 8E1. 150 ms
        // leaves room for a USB adapter's latency and still declares a silent unit offline within 1 s (4 x 150 ms
        // plus one 200 ms poll interval).
        ResponseTimeout = TimeSpan.FromMilliseconds(150);

        // Some units return an escrowed note about 3 s after the host stops talking (MON): a HOLD every second
        // keeps the note well inside that.
        HoldRenewInterval = TimeSpan.FromSeconds(1);
    }

    /// <summary>STACK-1 (VEND VALID at the stacker lever; the default) or STACK-2 (VEND VALID once the note is fully in
    /// the stacker, as TerminalClient and Aristocrat use). The credit point is VEND VALID either way.</summary>
    public Id003Command StackCommand { get; init; } = Id003Command.Stack1;

    /// <summary>Bit layout and polarity of SET ENABLE/DISABLE (0xC0). Polarity is UNCONFIRMED: two sources say a set bit
    /// disables (the default), one says the opposite. A unit that stays DISABLE after INHIBIT off raises a fault
    /// saying to check this.</summary>
    public Id003DenominationMask DenominationMask { get; init; } = Id003DenominationMask.Default;

    /// <summary>Face values sent as high security in SET SECURITY (0xC1). Empty: normal security for every note.</summary>
    public IReadOnlyList<decimal> HighSecurityNotes { get; init; } = [];

    /// <summary>SET DIRECTION (0xC4) data: a bitmask of inhibited insertion directions, 0 = all allowed. Bit order UNCONFIRMED.</summary>
    public byte InhibitedDirections { get; init; }

    /// <summary>SET OPTIONAL FUNCTION (0xC5) data as four hex digits in wire order (for example <c>0300</c>), or null to
    /// leave the unit's own setting alone. Bit meanings UNCONFIRMED; a unit that refuses it fails start-up.</summary>
    public string? OptionalFunction { get; init; }

    /// <summary>Country code the unit uses for <see cref="CashAcceptorOptions.Currency"/> in its CURRENCY ASSIGN
    /// table. Null uses the built-in table, where INR = 0x63 comes from a single source (UNCONFIRMED): set this from
    /// the 0x8A dump taken at commissioning if the unit reports another code.</summary>
    public byte? CountryCode { get; init; }

    /// <summary>After RESET is acknowledged, wait this long before polling for INITIALIZE. TerminalClient and
    /// Portalum wait about 2 s; the driver then polls until the unit has finished, so a short pause is enough.</summary>
    public TimeSpan InitPause { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest the unit may stay in POWER UP or INITIALIZE after RESET before start-up fails.</summary>
    public TimeSpan InitTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Delay between reading VEND VALID and sending its ACK. Zero: at once, as Aristocrat, Lamassu and the
    /// Arduino driver do. A unit left without ACK hangs (MON); its deadline is UNCONFIRMED, so keep this short.</summary>
    public TimeSpan VendValidAckDelay { get; init; } = TimeSpan.Zero;

    /// <summary>Whether the serial adapter echoes our bytes. Auto learns it on every connection.</summary>
    public Id003EchoMode Echo { get; init; } = Id003EchoMode.Auto;

    /// <summary>A unit that answers nothing right after a VEND VALID the driver acknowledged is probably hung on a lost
    /// ACK (MON): send it RESET, which stacks that note. Only done in that state, where RESET cannot move money the
    /// driver does not already know about.</summary>
    public bool ResetHungUnit { get; init; } = true;

    /// <summary>The unit's serial number from its label. ID-003 has no command that reads one; credits carry this.</summary>
    public string? SerialNumber { get; init; }

    /// <summary>The two data bytes of SET OPTIONAL FUNCTION, or null when not configured.</summary>
    internal byte[]? OptionalFunctionData()
    {
        if (OptionalFunction is not { } text)
        {
            return null;
        }

        if (text.Length != 4 || !text.All(char.IsAsciiHexDigit))
        {
            throw new ArgumentException($"Validator option {nameof(OptionalFunction)} must be four hex digits in wire order, for example 0300; got '{text}'.", nameof(OptionalFunction));
        }

        return [byte.Parse(text.AsSpan(0, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture), byte.Parse(text.AsSpan(2, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)];
    }

    internal void ValidateId003()
    {
        if (StackCommand is not (Id003Command.Stack1 or Id003Command.Stack2))
        {
            throw new ArgumentException($"Validator option {nameof(StackCommand)} must be Stack1 or Stack2, not {StackCommand}.", nameof(StackCommand));
        }

        if (InitPause < TimeSpan.Zero || InitTimeout <= TimeSpan.Zero || VendValidAckDelay < TimeSpan.Zero)
        {
            throw new ArgumentException($"Validator options {nameof(InitPause)} and {nameof(VendValidAckDelay)} must not be negative and {nameof(InitTimeout)} must be positive.", nameof(InitTimeout));
        }

        _ = OptionalFunctionData();
    }
}
