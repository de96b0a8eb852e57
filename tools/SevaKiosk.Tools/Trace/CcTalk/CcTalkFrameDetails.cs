using System.Globalization;
using System.Text;
using SevaKiosk.Protocol.CcTalk;

namespace SevaKiosk.Tools.Trace.CcTalk;

/// <summary>Human-readable content of ccTalk commands and replies, decoded with the codec (never hand-parsed twice).</summary>
internal static class CcTalkFrameDetails
{
    /// <summary>Arguments of a host command; null when it has none.</summary>
    public static string? Command(byte header, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return null;
        }

        return (CcTalkHeader)header switch
        {
            CcTalkHeader.RequestBillId when data.Length == 1 => $"bill type {data[0]}",
            CcTalkHeader.RequestCountryScalingFactor => $"country {Encoding.ASCII.GetString(data)}",
            CcTalkHeader.ModifyInhibitStatus when CcTalkInhibitMask.TryParse(data, CcTalkInhibitPolarity.OneEnables, out var mask) => $"{mask} (if bit = 1 enables)",
            CcTalkHeader.ModifyMasterInhibitStatus when CcTalkMasterInhibit.TryParse(data, out var accepting) => accepting ? "accept bills" : "master inhibit on",
            CcTalkHeader.ModifyBillOperatingMode when data.Length == 1 => Mode(data[0]),
            CcTalkHeader.RouteBill when data.Length == 1 => CcTalkRouteBill.NameOf((CcTalkRouteCode)data[0]),
            _ => string.Create(CultureInfo.InvariantCulture, $"{data.Length} data byte(s)"),
        };
    }

    /// <summary>Content of an ACK reply to <paramref name="command"/> (sent with <paramref name="request"/>); error when it does not decode.</summary>
    public static (string? Detail, string? Error) Reply(byte command, byte[] request, ReadOnlySpan<byte> data)
    {
        switch ((CcTalkHeader)command)
        {
            case CcTalkHeader.RequestManufacturerId or CcTalkHeader.RequestEquipmentCategoryId or CcTalkHeader.RequestProductCode
                or CcTalkHeader.RequestSoftwareRevision or CcTalkHeader.RequestBuildCode:
                return ($"\"{CcTalkReply.Ascii(data)}\"", null);
            case CcTalkHeader.RequestSerialNumber:
                return CcTalkReply.TryParseSerialNumber(data, out var serial)
                    ? (string.Create(CultureInfo.InvariantCulture, $"serial {serial}"), null)
                    : (null, $"{data.Length} byte(s) are not a serial number");
            case CcTalkHeader.RequestBillId:
                var type = request.Length == 1 ? request[0].ToString(CultureInfo.InvariantCulture) : "?";
                return !CcTalkBillId.TryParse(data, out var id) ? (null, $"bill id '{CcTalkReply.Ascii(data)}' is not of the form CCVVVVI")
                    : id is null ? ($"bill type {type} unprogrammed", null)
                    : ($"bill type {type}: {id.Text}", null);
            case CcTalkHeader.RequestCountryScalingFactor:
                return !CcTalkScalingFactor.TryParse(data, out var factor) ? (null, $"{data.Length} byte(s) are not a scaling factor")
                    : !factor.IsSupported ? ("country not supported", null)
                    : (string.Create(CultureInfo.InvariantCulture, $"factor {factor.Factor}, {factor.DecimalPlaces} decimal place(s)"), null);
            case CcTalkHeader.RequestInhibitStatus:
                return CcTalkInhibitMask.TryParse(data, CcTalkInhibitPolarity.OneEnables, out var mask)
                    ? ($"{mask} (if bit = 1 enables)", null)
                    : (null, $"{data.Length} byte(s) are not an inhibit mask");
            case CcTalkHeader.RequestMasterInhibitStatus:
                return CcTalkMasterInhibit.TryParse(data, out var accepting)
                    ? (accepting ? "accepting bills" : "master inhibit on", null)
                    : (null, "no master inhibit byte");
            case CcTalkHeader.RequestBillOperatingMode:
                return data.Length == 1 ? (Mode(data[0]), null) : (null, $"{data.Length} byte(s) are not an operating mode");
            case CcTalkHeader.RouteBill:
                return CcTalkRouteBill.TryParseReply(data, out var result)
                    ? (CcTalkRouteBill.NameOf(result), null)
                    : (null, $"unknown route error {Convert.ToHexString(data)}");
            default:
                return (data.IsEmpty ? null : string.Create(CultureInfo.InvariantCulture, $"{data.Length} data byte(s)"), null);
        }
    }

    private static string Mode(byte mode)
    {
        var flags = (CcTalkBillOperatingMode)mode;
        var parts = new List<string>();
        if (flags.HasFlag(CcTalkBillOperatingMode.UseStacker))
        {
            parts.Add("stacker");
        }

        if (flags.HasFlag(CcTalkBillOperatingMode.UseEscrow))
        {
            parts.Add("escrow");
        }

        return parts.Count == 0 ? "no stacker, no escrow" : string.Join(", ", parts);
    }
}
