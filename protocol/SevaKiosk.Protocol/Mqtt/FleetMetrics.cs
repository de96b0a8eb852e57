namespace SevaKiosk.Protocol.Mqtt;

/// <summary>
/// Telemetry metric names the fleet tools read (<c>kioskctl watch</c>). A machine may publish more; these have fixed
/// meanings and units so every firmware version and every tool agree on them.
/// </summary>
public static class FleetMetrics
{
    /// <summary>Receipt-paper state as a code: see <see cref="PaperCode"/>. No unit.</summary>
    public const string PrinterPaper = "printer.paper";

    /// <summary>Notes in the cash box since it was last emptied (the open cash-box batch). No unit.</summary>
    public const string CashboxNotes = "cashbox.notes";

    /// <summary>Cash-box fill in percent of its note capacity (<c>%</c>).</summary>
    public const string CashboxFill = "cashbox.fill";

    /// <summary>Transactions since local midnight on the machine. No unit.</summary>
    public const string TransactionsToday = "tx.today.count";

    /// <summary>Amount paid to billers since local midnight on the machine (<c>INR</c>).</summary>
    public const string AmountToday = "tx.today.amount";

    /// <summary>Metric descriptions for <see cref="MetaMessage.Metrics"/>.</summary>
    public static IReadOnlyList<MetricDescription> Descriptions { get; } =
    [
        new(PrinterPaper, string.Empty, "receipt paper: 0 unknown, 1 ok, 2 near end, 3 out"),
        new(CashboxNotes, string.Empty, "notes in the cash box since it was emptied"),
        new(CashboxFill, "%", "cash-box fill, percent of its note capacity"),
        new(TransactionsToday, string.Empty, "transactions since local midnight"),
        new(AmountToday, "INR", "amount paid to billers since local midnight"),
    ];

    /// <summary>True for the gauge names above (kept in <see cref="ReportedState.Gauges"/> as well as sent in telemetry).</summary>
    public static bool IsGauge(string name) => name is PrinterPaper or CashboxNotes or CashboxFill or TransactionsToday or AmountToday;

    /// <summary>Values of <see cref="PrinterPaper"/>. The order matches the HAL's <c>PaperState</c>.</summary>
    public static class PaperCode
    {
        public const int Unknown = 0;
        public const int Ok = 1;
        public const int NearEnd = 2;
        public const int Out = 3;

        /// <summary>Display name of a code; unknown codes read "unknown".</summary>
        public static string Describe(double code) => (int)Math.Round(code) switch
        {
            Ok => "ok",
            NearEnd => "near end",
            Out => "out",
            _ => "unknown",
        };
    }
}
