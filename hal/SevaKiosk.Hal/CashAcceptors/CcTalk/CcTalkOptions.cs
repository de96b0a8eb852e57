using SevaKiosk.Protocol.CcTalk;

namespace SevaKiosk.Hal.CashAcceptors.CcTalk;

/// <summary>
/// ccTalk driver settings (configuration section <c>Validator</c> with <c>Protocol = cctalk</c>). The ccTalk
/// specification is not public, so everything no public source confirms is a setting here, with the value the known
/// open-source implementations use as the default.
/// </summary>
public sealed record CcTalkOptions : CashAcceptorOptions
{
    /// <summary>Bus address of the validator. 40 is common for bill validators (UNCONFIRMED as the standard default).</summary>
    public byte Address { get; init; } = CcTalkConstants.DefaultBillValidatorAddress;

    /// <summary>Our own bus address; replies are addressed to it.</summary>
    public byte HostAddress { get; init; } = CcTalkConstants.HostAddress;

    /// <summary>How frames are protected. A device setting: nothing on the wire says which mode is in use.</summary>
    public CcTalkChecksumMode ChecksumMode { get; init; } = CcTalkChecksumMode.Simple8;

    /// <summary>Whether a set bit in the inhibit mask enables (the usual reading, UNCONFIRMED) or inhibits a bill type.</summary>
    public CcTalkInhibitPolarity InhibitPolarity { get; init; } = CcTalkInhibitPolarity.OneEnables;

    /// <summary>Event pairs in a READ BUFFERED BILL EVENTS reply (5 on every known unit; UNCONFIRMED). More new events
    /// than this between two polls means some were lost: a fault, never a guess.</summary>
    public int EventBufferDepth { get; init; } = CcTalkBufferedEvents.StandardDepth;

    /// <summary>The two-letter ccTalk country code of the bills that are in <see cref="CashAcceptorOptions.Currency"/>
    /// (bill ids look like <c>IN0500A</c>). Bills of any other country are never enabled.</summary>
    public string CountryCode { get; init; } = "IN";

    /// <summary>A fraud fault clears once no fraud event has been seen for this long.</summary>
    public TimeSpan FraudHoldOff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Consecutive polls whose two readings of the event buffer disagree before the driver gives up
    /// confirming and resynchronises with an events-lost fault (line noise makes one disagreement likely now and then).</summary>
    public int MaxUnconfirmedReads { get; init; } = 5;

    internal void ValidateCcTalk()
    {
        Require(Address != 0 && Address != HostAddress, nameof(Address), "must be a device address (1..255) other than HostAddress (0 is broadcast)");
        Require(EventBufferDepth is >= 1 and <= 127, nameof(EventBufferDepth), "must be 1..127 event pairs");
        Require(CountryCode.Length == 2 && CountryCode.All(char.IsAsciiLetterUpper), nameof(CountryCode), "must be two upper-case letters (for example IN)");
        Require(FraudHoldOff >= TimeSpan.Zero, nameof(FraudHoldOff), "must not be negative");
        Require(MaxUnconfirmedReads >= 1, nameof(MaxUnconfirmedReads), "must be at least 1");
    }

    /// <summary>Data length of a READ BUFFERED BILL EVENTS reply: the counter and one pair per buffered event.</summary>
    internal int EventReplyLength => 1 + (2 * EventBufferDepth);
}
