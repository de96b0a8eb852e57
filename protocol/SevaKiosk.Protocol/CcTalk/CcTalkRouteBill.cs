namespace SevaKiosk.Protocol.CcTalk;

/// <summary>Data byte of ROUTE BILL (154).</summary>
public enum CcTalkRouteCode : byte
{
    /// <summary>Give the bill in escrow back to the customer.</summary>
    Return = 0,

    /// <summary>Send the bill in escrow to the cash box (stacker). Credit follows as an event with B = 0.</summary>
    Stack = 1,

    /// <summary>Restart the device's escrow timeout.</summary>
    ExtendEscrowTimeout = 255,
}

/// <summary>Outcome carried by the reply to ROUTE BILL: an ACK without data, or one error byte.</summary>
public enum CcTalkRouteResult : byte
{
    /// <summary>ACK with no data (our value; never on the wire as a byte).</summary>
    Accepted = 0,

    /// <summary>No bill in escrow.</summary>
    EscrowEmpty = 254,

    /// <summary>The device could not route the bill.</summary>
    FailedToRoute = 255,
}

public static class CcTalkRouteBill
{
    public static string NameOf(CcTalkRouteCode code) => code switch
    {
        CcTalkRouteCode.Return => "RETURN",
        CcTalkRouteCode.Stack => "STACK",
        CcTalkRouteCode.ExtendEscrowTimeout => "EXTEND_ESCROW_TIMEOUT",
        _ => $"UNKNOWN_ROUTE_{(byte)code}",
    };

    public static string NameOf(CcTalkRouteResult result) => result switch
    {
        CcTalkRouteResult.Accepted => "ACCEPTED",
        CcTalkRouteResult.EscrowEmpty => "ESCROW_EMPTY",
        CcTalkRouteResult.FailedToRoute => "FAILED_TO_ROUTE",
        _ => $"UNKNOWN_ROUTE_ERROR_{(byte)result}",
    };

    /// <summary>Decodes the data of the reply. An unknown error byte is reported as such, never as success.</summary>
    /// <returns>False when the reply carries an error byte that is neither 254 nor 255, or more than one byte.</returns>
    public static bool TryParseReply(ReadOnlySpan<byte> data, out CcTalkRouteResult result)
    {
        if (data.IsEmpty)
        {
            result = CcTalkRouteResult.Accepted;
            return true;
        }

        result = (CcTalkRouteResult)data[0];
        return data.Length == 1 && result is CcTalkRouteResult.EscrowEmpty or CcTalkRouteResult.FailedToRoute;
    }
}
