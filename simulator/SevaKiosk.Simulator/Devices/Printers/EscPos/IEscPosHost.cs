namespace SevaKiosk.Simulator.Devices.Printers.EscPos;

/// <summary>
/// What the interpreter needs from the printer around it: paper, the cutter, and the line back to the host.
/// The emulator models a finite roll and a cutter that can jam; the offline renderer never runs out.
/// </summary>
public interface IEscPosHost
{
    /// <summary>Takes <paramref name="rows"/> dot rows of paper; false when the roll cannot supply them (paper end).</summary>
    bool TryFeed(int rows);

    /// <summary>Operates the cutter; false when it jams.</summary>
    bool TryCut(bool partial);

    /// <summary>Reply bytes of a processed command (<c>GS r</c>, <c>GS I</c>).</summary>
    void Reply(ReadOnlySpan<byte> bytes);

    /// <summary><c>GS r 1</c> answer: the paper sensors now.</summary>
    byte PaperSensorReply();

    /// <summary><c>GS a n</c> was processed (n = 0 after <c>ESC @</c>).</summary>
    void AutomaticStatusBackChanged(byte mask);
}

/// <summary>A host with endless paper and a cutter that never jams: for rendering captured streams.</summary>
public sealed class EndlessPaperHost : IEscPosHost
{
    public static EndlessPaperHost Instance { get; } = new();

    public bool TryFeed(int rows) => true;

    public bool TryCut(bool partial) => true;

    public void Reply(ReadOnlySpan<byte> bytes)
    {
        // Nobody is listening to a rendered capture.
    }

    public byte PaperSensorReply() => 0x00;

    public void AutomaticStatusBackChanged(byte mask)
    {
        // No status channel when rendering a capture.
    }
}
