using SevaKiosk.Protocol.EscPos;

namespace SevaKiosk.Hal.Printers;

/// <summary>One write of a job, ending at a command boundary.</summary>
/// <param name="Data">Bytes to send (the job's bytes, plus ASB re-enables after each <c>ESC @</c>).</param>
/// <param name="JobBytesEnd">Offset in the job's own bytes reached when this chunk has been sent.</param>
/// <param name="LinesEnd">Printed lines reached when this chunk has been processed.</param>
/// <param name="QueuedReplies">Replies the chunk's own commands cause when processed (<c>GS r</c>, <c>GS I</c>).</param>
internal sealed record PrintChunk(ReadOnlyMemory<byte> Data, long JobBytesEnd, int LinesEnd, int QueuedReplies);

/// <summary>
/// Splits a job into chunks at command boundaries with the shared parser, so status requests and barriers are never
/// inserted inside a command (a DLE EOT inside image data is read as image data). It also re-enables Automatic
/// Status Back after every <c>ESC @</c> in the job, because initialising turns it off, and counts printed lines.
/// </summary>
internal static class PrintPlan
{
    public static IReadOnlyList<PrintChunk> Create(ReadOnlyMemory<byte> job, int chunkBytes, byte automaticStatusMask, out int totalLines)
    {
        var parser = new EscPosParser(maxCommandBytes: Math.Max(1 << 20, job.Length + 1));
        var commands = new List<EscPosCommand>();
        parser.Parse(job.Span, commands);
        parser.Complete(commands);

        var chunks = new List<PrintChunk>();
        var current = new List<byte>(chunkBytes + 16);
        long consumed = 0;
        var lines = 0;
        var replies = 0;
        foreach (var command in commands)
        {
            if (current.Count > 0 && current.Count + command.WireLength > chunkBytes)
            {
                chunks.Add(new PrintChunk(current.ToArray(), consumed, lines, replies));
                current.Clear();
                replies = 0;
            }

            current.AddRange(job.Span.Slice((int)command.Offset, command.WireLength));
            consumed = command.Offset + command.WireLength;
            lines += PrintedLines(command);
            replies += QueuedReplies(command);
            if (command.Kind == EscPosCommandKind.Initialize && automaticStatusMask != 0)
            {
                current.AddRange([EscPosControl.Gs, (byte)'a', automaticStatusMask]);
            }
        }

        if (current.Count > 0)
        {
            chunks.Add(new PrintChunk(current.ToArray(), consumed, lines, replies));
        }

        totalLines = lines;
        return chunks;
    }

    /// <summary>Lines of paper a command prints or feeds: the unit of a job's progress.</summary>
    private static int PrintedLines(EscPosCommand command) => command.Kind switch
    {
        EscPosCommandKind.LineFeed or EscPosCommandKind.FeedDots or EscPosCommandKind.RasterImage or EscPosCommandKind.Barcode => 1,
        EscPosCommandKind.FeedLines => Math.Max(1, (int)command.Parameters[0]),
        EscPosCommandKind.QrCode when command.Parameters.Length > 3 && command.Parameters[3] == 81 => 1,
        _ => 0,
    };

    private static int QueuedReplies(EscPosCommand command) => command.Kind switch
    {
        EscPosCommandKind.TransmitStatus => 1,
        EscPosCommandKind.TransmitPrinterId when command.Parameters[0] is 1 or 2 or 3 or 49 or 50 or 51 => 1,
        _ => 0,
    };
}
