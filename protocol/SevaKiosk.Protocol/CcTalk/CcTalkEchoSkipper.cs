namespace SevaKiosk.Protocol.CcTalk;

/// <summary>What <see cref="CcTalkEchoSkipper.Skip"/> found.</summary>
public enum CcTalkEchoResult
{
    /// <summary>No echo is expected (nothing was sent, or the echo was already skipped).</summary>
    Idle,

    /// <summary>All input matched the echo so far; more echo bytes are still to come.</summary>
    NeedMoreData,

    /// <summary>The whole echo has been skipped; the input after <c>consumed</c> is the reply.</summary>
    Complete,

    /// <summary>
    /// The byte at <c>input[consumed]</c> is not the next echo byte. With <see cref="CcTalkEchoSkipper.MatchedLength"/>
    /// zero the line simply does not echo (or the echo was lost); otherwise the echo was damaged on the line. Nothing
    /// after the match is consumed, and the skipper goes idle.
    /// </summary>
    Mismatch,
}

/// <summary>
/// ccTalk runs on one shared data wire, so the host receives every byte it transmits before the device's reply. Give
/// this the frame just sent; it then consumes exactly those bytes if they come first, and nothing else.
/// </summary>
public sealed class CcTalkEchoSkipper
{
    private readonly byte[] _expected = new byte[CcTalkConstants.MaxFrameLength];
    private int _length;

    /// <summary>Echo bytes matched so far for the current frame (after a mismatch: how many matched before it).</summary>
    public int MatchedLength { get; private set; }

    /// <summary>True while an echo is expected and not yet complete.</summary>
    public bool IsExpecting => MatchedLength < _length;

    /// <summary>Starts expecting the echo of <paramref name="sent"/> (replacing any echo still expected).</summary>
    public void Expect(ReadOnlySpan<byte> sent)
    {
        if (sent.Length > _expected.Length)
        {
            throw new ArgumentException($"A ccTalk frame is at most {_expected.Length} bytes, got {sent.Length}.", nameof(sent));
        }

        sent.CopyTo(_expected);
        _length = sent.Length;
        MatchedLength = 0;
    }

    /// <summary>Stops expecting an echo.</summary>
    public void Clear()
    {
        _length = 0;
        MatchedLength = 0;
    }

    /// <summary>Consumes the leading bytes of <paramref name="input"/> that continue the expected echo.</summary>
    public CcTalkEchoResult Skip(ReadOnlySpan<byte> input, out int consumed)
    {
        consumed = 0;
        if (!IsExpecting)
        {
            return CcTalkEchoResult.Idle;
        }

        while (consumed < input.Length && MatchedLength < _length)
        {
            if (input[consumed] != _expected[MatchedLength])
            {
                _length = 0;
                return CcTalkEchoResult.Mismatch;
            }

            consumed++;
            MatchedLength++;
        }

        return MatchedLength == _length ? CcTalkEchoResult.Complete : CcTalkEchoResult.NeedMoreData;
    }
}
