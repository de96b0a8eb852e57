using SevaKiosk.Protocol.EscPos;

namespace SevaKiosk.Simulator.Devices.Printers.EscPos;

/// <summary>What rendering a captured stream produced.</summary>
/// <param name="Pages">Every page, the last one still open (not cut) when the stream did not end with a cut.</param>
/// <param name="Notices">Commands that were not printed as sent, with the reason.</param>
/// <param name="TextLines">Transcript of the printed lines.</param>
public sealed record RenderedStream(IReadOnlyList<PrintedPage> Pages, IReadOnlyList<string> Notices, IReadOnlyList<string> TextLines)
{
    /// <summary>The whole roll as one PNG, cuts marked.</summary>
    public byte[] ToPng() => PrintedRoll.EncodePng(Pages);
}

/// <summary>
/// Renders any ESC/POS byte stream, whoever produced it, as the emulated printer would print it on endless paper:
/// what <c>kioskctl receipt render</c> runs. Uses the same parser and interpreter as the live emulator.
/// </summary>
public static class EscPosRenderer
{
    public static RenderedStream Render(ReadOnlySpan<byte> stream, int widthDots, DeviceFont font)
    {
        var roll = new PrintedRoll(widthDots);
        var interpreter = new EscPosInterpreter(roll, font);
        var notices = new List<string>();
        interpreter.Notice += (command, message) => notices.Add($"@{command.Offset} {command.Mnemonic}: {message}");
        var parser = new EscPosParser();
        var commands = new List<EscPosCommand>();
        parser.Parse(stream, commands);
        parser.Complete(commands);
        foreach (var command in commands)
        {
            interpreter.Execute(command);
        }

        if (interpreter.HasPendingLine)
        {
            // A real printer would hold these until a line feed; show them anyway so nothing sent is hidden.
            notices.Add("stream ended with text in the line buffer (no line feed); shown as printed");
            interpreter.Execute(new EscPosCommand(EscPosCommandKind.LineFeed, parser.Position, [EscPosControl.Lf], 1, 1));
        }

        var pages = roll.Pages.ToList();
        if (roll.OpenRows > 0 || pages.Count == 0)
        {
            pages.Add(roll.Peek());
        }

        return new RenderedStream(pages, notices, interpreter.TextLines);
    }
}
