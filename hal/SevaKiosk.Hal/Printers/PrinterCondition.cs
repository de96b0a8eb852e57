using SevaKiosk.Protocol.EscPos;

namespace SevaKiosk.Hal.Printers;

/// <summary>
/// What the printer said about itself, from either source: the four DLE EOT replies or an ASB frame. One record so
/// that polling and Automatic Status Back update the status through the same mapping.
/// </summary>
internal readonly record struct PrinterCondition(
    bool Offline,
    bool CoverOpen,
    bool PaperEnd,
    bool PaperNearEnd,
    bool CutterError,
    bool RecoverableError,
    bool UnrecoverableError,
    bool AutoRecoverableError)
{
    /// <summary>From the replies to <c>DLE EOT 1, 2, 3, 4</c>, in that order.</summary>
    public static PrinterCondition FromRealTime(ReadOnlySpan<byte> replies)
    {
        var printer = PrinterStatusFlags.Decode(replies[0]);
        var offline = OfflineCauseFlags.Decode(replies[1]);
        var error = ErrorCauseFlags.Decode(replies[2]);
        var paper = RollPaperFlags.Decode(replies[3]);
        return new PrinterCondition(
            printer.Offline, offline.CoverOpen, paper.End || offline.PaperEndStop, paper.NearEnd,
            error.AutoCutterError, error.RecoverableError, error.UnrecoverableError, error.AutoRecoverableError);
    }

    public static PrinterCondition FromAutomaticStatus(AutomaticStatus asb) => new(
        asb.Offline, asb.CoverOpen, asb.PaperEnd, asb.PaperNearEnd, asb.AutoCutterError, asb.RecoverableError,
        asb.UnrecoverableError, asb.AutoRecoverableError);

    /// <summary>Off line with none of the reported causes (FEED held, waiting for recovery, a vendor-specific reason).</summary>
    public bool UnexplainedOffline =>
        Offline && !CoverOpen && !PaperEnd && !CutterError && !RecoverableError && !UnrecoverableError && !AutoRecoverableError;

    public PaperState Paper => PaperEnd ? PaperState.End : PaperNearEnd ? PaperState.NearEnd : PaperState.Ok;
}
