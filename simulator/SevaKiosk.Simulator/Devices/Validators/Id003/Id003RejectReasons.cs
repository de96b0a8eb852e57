using System.Globalization;
using SevaKiosk.Protocol.Id003;

namespace SevaKiosk.Simulator.Devices.Validators.Id003;

/// <summary>
/// The reason names accepted by <c>{"insert":500,"reject":"..."}</c> and the reject code each one produces.
/// Any code name (<c>PHOTO_LEVEL_ERROR</c>) or byte (<c>"0x78"</c>, <c>"78"</c>) works too.
/// <c>"fraud"</c> is not a reject: it makes the unit report CHEATED (0x48).
/// </summary>
public static class Id003RejectReasons
{
    /// <summary>The special reason that produces CHEATED instead of REJECTING.</summary>
    public const string Fraud = "fraud";

    /// <summary>Short reason names for control commands, with the reject code each produces.</summary>
    public static IReadOnlyDictionary<string, Id003RejectCode> Names { get; } = new Dictionary<string, Id003RejectCode>(StringComparer.OrdinalIgnoreCase)
    {
        ["insertion"] = Id003RejectCode.InsertionError,
        ["skewed"] = Id003RejectCode.InsertionError,
        ["magnetic"] = Id003RejectCode.MagneticPatternError,
        ["residual"] = Id003RejectCode.ResidualBill,
        ["amplitude"] = Id003RejectCode.DataAmplitudeError,
        ["feed"] = Id003RejectCode.FeedError,
        ["denomination"] = Id003RejectCode.DenominationAssessingError,
        ["unknown"] = Id003RejectCode.DenominationAssessingError,
        ["photo_pattern"] = Id003RejectCode.PhotoPatternError1,
        ["photo_level"] = Id003RejectCode.PhotoLevelError,
        ["dirty"] = Id003RejectCode.PhotoLevelError,
        ["double"] = Id003RejectCode.PhotoLevelError,
        ["inhibited"] = Id003RejectCode.Inhibited,
        ["operation"] = Id003RejectCode.OperationError,
        ["transport"] = Id003RejectCode.BillInTransportAtWrongTime,
        ["length"] = Id003RejectCode.LengthError,
        ["colour"] = Id003RejectCode.PhotoPatternError2,
        ["color"] = Id003RejectCode.PhotoPatternError2,

        // A forged note fails the security features; 0x7F exists from protocol revision 04 on.
        ["counterfeit"] = Id003RejectCode.TrueBillFeatureError,
    };

    /// <summary>The reject code for a reason name, code name or byte; null for <see cref="Fraud"/>.</summary>
    /// <exception cref="ArgumentException">Unknown reason.</exception>
    public static byte? Parse(string reason)
    {
        if (string.Equals(reason, Fraud, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (Names.TryGetValue(reason, out var named))
        {
            return (byte)named;
        }

        foreach (var code in Enum.GetValues<Id003RejectCode>())
        {
            if (string.Equals(Id003RejectCodes.Name((byte)code), reason, StringComparison.OrdinalIgnoreCase))
            {
                return (byte)code;
            }
        }

        var hex = reason.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? reason[2..] : reason;
        if (hex.Length is 1 or 2 && byte.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var raw))
        {
            return raw;
        }

        throw new ArgumentException(
            $"Unknown reject reason '{reason}'. Use one of {string.Join(", ", Names.Keys)}, {Fraud}, a code name such as LENGTH_ERROR, or a byte such as 0x7D.",
            nameof(reason));
    }
}
