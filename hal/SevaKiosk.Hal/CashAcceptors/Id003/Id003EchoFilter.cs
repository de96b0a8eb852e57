namespace SevaKiosk.Hal.CashAcceptors.Id003;

/// <summary>What to do with a received frame byte-identical to the frame just sent, when it is the first to arrive.</summary>
internal enum EchoVerdict
{
    /// <summary>It is the adapter's echo: drop it and wait for the reply.</summary>
    Drop,

    /// <summary>It is the reply (an idle unit's ENABLE, or a setting's echo from the unit itself).</summary>
    Keep,

    /// <summary>Cannot tell yet: wait for a second frame. If one comes, the first was an echo; if not, it was the reply.</summary>
    WaitForAnother,
}

/// <summary>
/// Decides whether the adapter echoes what the host sends. ID-003 makes this hard: STATUS REQUEST is byte-identical to
/// an idle unit's ENABLE reply, and the unit answers every setting command with the command itself, so "identical
/// frame" alone proves nothing. Evidence comes from commands whose genuine reply can never equal them (RESET, STACK,
/// RETURN, HOLD, the 88/89/8A requests every start-up sends): an identical frame there is an echo, a different first
/// frame means no echo arrived. One echo is enough to believe in echoing; giving it up takes three missing echoes in a
/// row, so a single echo lost to noise does not flip the mode. Learned afresh on every connection.
/// </summary>
internal sealed class Id003EchoFilter(Id003EchoMode configured)
{
    private const int MissingEchoesBeforeAbsent = 3;
    private const int CleanRepliesBeforeAbsent = 2;
    private int _missing;

    /// <summary>True once echoing is established, false once its absence is; null while unknown.</summary>
    public bool? AdapterEchoes { get; private set; } = configured switch
    {
        Id003EchoMode.Present => true,
        Id003EchoMode.Absent => false,
        _ => null,
    };

    /// <summary>A new connection: an Auto filter forgets what it learned (the adapter may have been swapped).</summary>
    public void Reset()
    {
        _missing = 0;
        if (configured == Id003EchoMode.Auto)
        {
            AdapterEchoes = null;
        }
    }

    /// <param name="replyCanBeIdentical">True for STATUS REQUEST and the setting commands, whose genuine reply may
    /// equal the command.</param>
    public EchoVerdict FirstFrameIdentical(bool replyCanBeIdentical)
    {
        if (configured != Id003EchoMode.Auto)
        {
            return configured == Id003EchoMode.Present ? EchoVerdict.Drop : EchoVerdict.Keep;
        }

        if (!replyCanBeIdentical)
        {
            EchoSeen();
            return EchoVerdict.Drop;
        }

        return AdapterEchoes switch
        {
            true => EchoVerdict.Drop,
            false => EchoVerdict.Keep,
            null => EchoVerdict.WaitForAnother,
        };
    }

    /// <summary>A second frame followed an identical first one: that first frame was an echo.</summary>
    public void EchoSeen()
    {
        _missing = 0;
        if (configured == Id003EchoMode.Auto)
        {
            AdapterEchoes = true;
        }
    }

    /// <summary>The first good frame after a command differed from it: no echo came first this time.</summary>
    public void FirstFrameDifferent()
    {
        if (configured != Id003EchoMode.Auto || AdapterEchoes == false)
        {
            return;
        }

        _missing++;
        if (_missing >= (AdapterEchoes == true ? MissingEchoesBeforeAbsent : CleanRepliesBeforeAbsent))
        {
            AdapterEchoes = false;
            _missing = 0;
        }
    }
}
