namespace SevaKiosk.Protocol.Ssp;

/// <summary>
/// Parses the data of a POLL / POLL WITH ACK reply (<c>F0 e1 [d] e2 [d] ...</c>, oldest first). The data length of an
/// event depends on the event and on the negotiated protocol version (GA138 "Protocol Versions"); an unknown event is a
/// decode error, never skipped, because skipping would silently desynchronise the rest of the list.
/// </summary>
public static class SspPollParser
{
    /// <summary>Parses <paramref name="reply"/> (starting with the generic response byte) into <paramref name="events"/>.</summary>
    public static SspPollParseResult Parse(ReadOnlySpan<byte> reply, int protocolVersion, Span<SspEvent> events)
    {
        if (reply.IsEmpty)
        {
            return new SspPollParseResult(SspPollParseStatus.Truncated, 0, 0, 0);
        }

        if (reply[0] != (byte)SspGenericResponse.Ok)
        {
            return new SspPollParseResult(SspPollParseStatus.NotOk, 0, 0, reply[0]);
        }

        var count = 0;
        var offset = 1;
        while (offset < reply.Length)
        {
            var code = reply[offset];
            var length = DataLength((SspEventCode)code, protocolVersion, reply[(offset + 1)..]);
            if (length == Unknown)
            {
                return new SspPollParseResult(SspPollParseStatus.UnknownEvent, count, offset, code);
            }

            if (length == Short || offset + 1 + length > reply.Length)
            {
                return new SspPollParseResult(SspPollParseStatus.Truncated, count, offset, code);
            }

            if (count == events.Length)
            {
                return new SspPollParseResult(SspPollParseStatus.TooManyEvents, count, offset, code);
            }

            var channel = length == 1 ? reply[offset + 1] : (byte)0;
            events[count++] = new SspEvent((SspEventCode)code, channel, offset + 1, length);
            offset += 1 + length;
        }

        return new SspPollParseResult(SspPollParseStatus.Ok, count, 0, 0);
    }

    private const int Unknown = -1;
    private const int Short = -2;

    /// <summary>Data bytes that follow <paramref name="code"/>; <paramref name="rest"/> is the reply after the code.</summary>
    internal static int DataLength(SspEventCode code, int version, ReadOnlySpan<byte> rest)
    {
        switch (code)
        {
            case SspEventCode.Read:
            case SspEventCode.NoteCredit:
                // SMART-currency devices at protocol 9 report a value and currency instead of a channel.
                return version >= 9 ? 7 : 1;

            case SspEventCode.FraudAttempt:
            case SspEventCode.NoteClearedFromFront:
            case SspEventCode.NoteClearedIntoCashbox:
                return 1;

            case SspEventCode.SlaveReset:
            case SspEventCode.Rejecting:
            case SspEventCode.Rejected:
            case SspEventCode.Stacking:
            case SspEventCode.Stacked:
            case SspEventCode.SafeNoteJam:
            case SspEventCode.UnsafeNoteJam:
            case SspEventCode.Disabled:
            case SspEventCode.StackerFull:
            case SspEventCode.CashboxRemoved:
            case SspEventCode.CashboxReplaced:
            case SspEventCode.BarcodeTicketValidated:
            case SspEventCode.NotePathOpen:
            case SspEventCode.BarcodeTicketAck:
            case SspEventCode.ChannelDisable:
            case SspEventCode.Initialising:
            case SspEventCode.JamRecovery:
            case SspEventCode.Emptying:
            case SspEventCode.Emptied:
            case SspEventCode.CoinMechJammed:
            case SspEventCode.CoinMechReturnPressed:
            case SspEventCode.PayoutOutOfService:
            case SspEventCode.NoteFloatRemoved:
            case SspEventCode.NoteFloatAttached:
            case SspEventCode.DeviceFull:
            case SspEventCode.NoteStoredInPayout:
                return 0;

            case SspEventCode.CoinMechError:
                return 1;

            case SspEventCode.Dispensing:
            case SspEventCode.Dispensed:
            case SspEventCode.Jammed:
            case SspEventCode.Halted:
            case SspEventCode.Floating:
            case SspEventCode.Floated:
            case SspEventCode.Timeout:
            case SspEventCode.CashboxPaid:
            case SspEventCode.CoinCredit:
            case SspEventCode.SmartEmptying:
            case SspEventCode.SmartEmptied:
                // v<6: a u32 value; v>=6: a count then count x (u32 value + 3-char currency).
                return version >= 6 ? CountedLength(rest, 7, 0) : 4;

            case SspEventCode.IncompletePayout:
            case SspEventCode.IncompleteFloat:
                // v<6: actual u32 + requested u32; v>=6: count x (actual u32 + requested u32 + currency).
                return version >= 6 ? CountedLength(rest, 11, 0) : 8;

            case SspEventCode.NoteTransferredToStacker:
            case SspEventCode.NoteDispensedAtPowerUp:
                return version >= 6 ? CountedLength(rest, 7, 0) : 0;

            case SspEventCode.NotePaidIntoStackerAtPowerUp:
            case SspEventCode.NotePaidIntoStoreAtPowerUp:
            case SspEventCode.NoteHeldInBezel:
                return version >= 8 ? CountedLength(rest, 7, 0) : 0;

            case SspEventCode.ErrorDuringPayout:
                // v>=7: count x (value + currency) followed by the error byte.
                return version >= 7 ? CountedLength(rest, 7, 1) : 1;

            default:
                return Unknown;
        }
    }

    private static int CountedLength(ReadOnlySpan<byte> rest, int itemSize, int trailer) =>
        rest.IsEmpty ? Short : 1 + (rest[0] * itemSize) + trailer;
}
