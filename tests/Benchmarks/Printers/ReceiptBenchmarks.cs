using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using SevaKiosk.Firmware.Receipts;
using SevaKiosk.Protocol.EscPos;
using SevaKiosk.Simulator.Devices.Printers.EscPos;

namespace SevaKiosk.Benchmarks.Printers;

/// <summary>
/// Composing the reference bill-payment receipt (shaping, rasterising, ESC/POS), and its wire size against the same
/// receipt sent as one full-width raster (target: at most 40 %). Run:
/// <c>dotnet run -c Release --project tests/Benchmarks -- --filter '*ReceiptBenchmarks*'</c>
/// </summary>
[Config(typeof(ReceiptSizeConfig))]
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class ReceiptBenchmarks
{
    private ReceiptFonts _fonts = null!;
    private ReceiptComposer _composer = null!;
    private Receipt _receipt = null!;

    /// <summary>hi, en or hi+en.</summary>
    [Params("hi", "en", "hi+en")]
    public string Lang { get; set; } = "hi";

    /// <summary>esc-star: inked spans of 24-dot strips (ESC * + ESC $); gs-v-0: raster bands for printers without it.</summary>
    [Params("esc-star", "gs-v-0")]
    public string Transport { get; set; } = "esc-star";

    [GlobalSetup]
    public void Setup()
    {
        _fonts = ReceiptFonts.Load();
        _composer = new ReceiptComposer(Profile(Transport), _fonts);
        _receipt = BillPaymentReceipt.Create(BillPaymentReceiptData.Sample, ReceiptLanguages.Parse(Lang));
    }

    [GlobalCleanup]
    public void Cleanup() => _fonts.Dispose();

    /// <summary>Receipt model to ESC/POS bytes, including HarfBuzz shaping and rasterising every Hindi line.</summary>
    [Benchmark]
    public byte[] Compose() => _composer.Compose(_receipt);

    internal static PrinterProfile Profile(string transport) =>
        transport == "gs-v-0" ? PrinterProfiles.Generic80 with { InlineBitImages = false } : PrinterProfiles.Generic80;

    /// <summary>Wire bytes, full-raster bytes and their ratio per case, computed once in the host process.</summary>
    internal sealed class ReceiptSizeConfig : ManualConfig
    {
        public ReceiptSizeConfig()
        {
            AddColumn(new SizeColumn("Wire bytes", s => s.Wire.ToString("N0", CultureInfo.InvariantCulture)));
            AddColumn(new SizeColumn("Full raster bytes", s => s.Raster.ToString("N0", CultureInfo.InvariantCulture)));
            AddColumn(new SizeColumn("Wire/raster", s => ((double)s.Wire / s.Raster).ToString("P1", CultureInfo.InvariantCulture)));
        }
    }

    private readonly record struct Sizes(long Wire, long Raster);

    private sealed class SizeColumn(string name, Func<Sizes, string> format) : IColumn
    {
        private static readonly ConcurrentDictionary<(string, string), Sizes> Cache = new();

        public string Id => name;

        public string ColumnName => name;

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => name switch
        {
            "Wire bytes" => "ESC/POS bytes of the composed receipt",
            "Full raster bytes" => "the same receipt as one full-width GS v 0 command, down to its last printed row",
            _ => "wire bytes / full raster bytes (target ≤ 40 %)",
        };

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            var lang = (string)benchmarkCase.Parameters["Lang"];
            var transport = (string)benchmarkCase.Parameters["Transport"];
            return format(Cache.GetOrAdd((lang, transport), key => Measure(key.Item1, key.Item2)));
        }

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;

        private static Sizes Measure(string lang, string transport)
        {
            using var fonts = ReceiptFonts.Load();
            using var deviceFont = DeviceFont.Load();
            var profile = Profile(transport);
            var bytes = new ReceiptComposer(profile, fonts).Compose(BillPaymentReceipt.Create(BillPaymentReceiptData.Sample, ReceiptLanguages.Parse(lang)));
            var page = EscPosRenderer.Render(bytes, profile.DotsPerLine, deviceFont).Pages[0];

            // One GS v 0 command of every row down to the last printed one (no band headers, no trailing feed): the
            // smallest full-width raster of the same receipt, so the ratio is not flattered.
            return new Sizes(bytes.Length, new EscPosBuilder().RasterImage(new RasterImage(page.Width, page.RowsToLastInk())).Length);
        }
    }
}
