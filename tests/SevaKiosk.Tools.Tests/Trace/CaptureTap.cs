using System.Text;
using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.Links;
using SevaKiosk.Tools.Trace;

namespace SevaKiosk.Tools.Tests.Trace;

/// <summary>
/// Sits on the host's end of a line and logs it as a host-side logger would: what the host writes as <c>&gt;</c>
/// lines, what it reads (an adapter's echo included) as <c>&lt;</c> lines, in hex the decoder reads.
/// </summary>
internal sealed class CaptureTap(Stream inner) : DelegatingStream(inner)
{
    private readonly StringBuilder _text = new();

    public string Text
    {
        get
        {
            lock (_text)
            {
                return _text.ToString();
            }
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await Inner.ReadAsync(buffer, cancellationToken);
        Log('<', buffer.Span[..n]);
        return n;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Log('>', buffer.Span);
        await Inner.WriteAsync(buffer, cancellationToken);
    }

    private void Log(char direction, ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        lock (_text)
        {
            _text.Append(direction).Append(' ').AppendLine(TraceWriter.Hex(bytes.ToArray()));
        }
    }
}

/// <summary>The escrow rule of a captured session: every note is taken.</summary>
internal sealed class AcceptEveryNote : ICashInHandler
{
    public ValueTask<EscrowDecision> DecideAsync(EscrowedNote note, CancellationToken cancellationToken) => ValueTask.FromResult(EscrowDecision.Accept);
}
