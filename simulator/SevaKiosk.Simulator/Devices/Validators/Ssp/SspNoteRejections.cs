using System.Globalization;
using SevaKiosk.Protocol.Ssp;

namespace SevaKiosk.Simulator.Devices.Validators.Ssp;

/// <summary>What the validator makes of an inserted note, beyond its value.</summary>
public readonly record struct NoteOutcome
{
    private NoteOutcome(SspRejectReason? reject, bool fraud)
    {
        Reject = reject;
        Fraud = fraud;
    }

    /// <summary>Genuine: it goes to escrow (unless its channel is inhibited).</summary>
    public static NoteOutcome Genuine { get; } = new(null, false);

    /// <summary>Tampering (string, strimming): FRAUD ATTEMPT with the channel, and the note is gone.</summary>
    public static NoteOutcome FraudAttempt { get; } = new(null, true);

    public SspRejectReason? Reject { get; }

    public bool Fraud { get; }

    /// <summary>Read, then rejected back to the user with <paramref name="reason"/> (LAST REJECT CODE).</summary>
    public static NoteOutcome Rejected(SspRejectReason reason) => new(reason, false);
}

/// <summary>
/// Names the control commands use for note faults (<c>{"insert":500,"reject":"counterfeit"}</c>). Besides the short
/// names below, every GA138 reject reason is accepted in kebab case (<c>graph-fail</c>, <c>escrow-timeout</c>) or as its
/// code (<c>"0x1C"</c>, <c>28</c>); <c>fraud</c> means a fraud attempt rather than a reject.
/// </summary>
public static class SspNoteRejections
{
    /// <summary>The short names, each mapped to the reject code a real unit most plausibly reports for it.</summary>
    public static IReadOnlyDictionary<string, SspRejectReason> ShortNames { get; } = new Dictionary<string, SspRejectReason>(StringComparer.OrdinalIgnoreCase)
    {
        ["counterfeit"] = SspRejectReason.GraphFail,
        ["inhibited"] = SspRejectReason.ChannelInhibit,
        ["too-long"] = SspRejectReason.NoteTooLong,
        ["short"] = SspRejectReason.ShortNote,
        ["double-note"] = SspRejectReason.DoubleNote,
        ["second-note"] = SspRejectReason.SecondNoteInserted,
        ["slow-mech"] = SspRejectReason.SlowMech,
        ["twisted"] = SspRejectReason.TwistedNote,
        ["strim"] = SspRejectReason.StrimAttempt,
        ["credit-card"] = SspRejectReason.CreditCardDetected,
        ["unable-to-stack"] = SspRejectReason.UnableToStack,
        ["unknown-note"] = SspRejectReason.LengthFail,
    };

    /// <summary>A note whose value is not in the dataset (₹2000 on a dataset without it) fails the length check first.</summary>
    public const SspRejectReason NotInDataset = SspRejectReason.LengthFail;

    /// <summary>Parses a control-command reject name or code.</summary>
    public static bool TryParse(string text, out NoteOutcome outcome)
    {
        outcome = NoteOutcome.Genuine;
        var name = text.Trim();
        if (name.Equals("fraud", StringComparison.OrdinalIgnoreCase))
        {
            outcome = NoteOutcome.FraudAttempt;
            return true;
        }

        if (name.Equals("none", StringComparison.OrdinalIgnoreCase) || name.Equals("genuine", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (ShortNames.TryGetValue(name, out var reason) || TryParseCode(name, out reason) || TryParseKebab(name, out reason))
        {
            outcome = NoteOutcome.Rejected(reason);
            return true;
        }

        return false;
    }

    /// <summary>Parses a numeric reject code such as <c>0x1C</c> or <c>28</c>.</summary>
    public static bool TryParseCode(string text, out SspRejectReason reason)
    {
        reason = default;
        var ok = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? byte.TryParse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code)
            : byte.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out code);
        if (!ok || code == 0 || !Enum.IsDefined((SspRejectReason)code))
        {
            return false;
        }

        reason = (SspRejectReason)code;
        return true;
    }

    /// <summary>Every accepted name, for error messages and the README.</summary>
    public static IEnumerable<string> Names() =>
        ShortNames.Keys.Append("fraud").Concat(Enum.GetValues<SspRejectReason>().Where(r => r != SspRejectReason.Accepted).Select(Kebab));

    public static string Kebab(SspRejectReason reason) =>
        SspRejectReasons.Name((byte)reason).ToLowerInvariant().Replace('_', '-');

    private static bool TryParseKebab(string text, out SspRejectReason reason)
    {
        foreach (var candidate in Enum.GetValues<SspRejectReason>())
        {
            if (candidate != SspRejectReason.Accepted && Kebab(candidate).Equals(text, StringComparison.OrdinalIgnoreCase))
            {
                reason = candidate;
                return true;
            }
        }

        reason = default;
        return false;
    }
}
