using SevaKiosk.Tools.Trace;

namespace SevaKiosk.Tools.Tests.Trace;

public class TraceInputTests
{
    [Fact]
    public void Hex_text_takes_prefixes_comments_runs_and_0x_and_counts_offsets_in_bytes()
    {
        var chunks = Samples.ParseHex("""
            # a comment line
            > 7F 80 01 11 65 82   # SYNC
              0x7F,0x00            # continues the host direction
            < 7F8001F02380
            """);

        Assert.Equal(3, chunks.Count);
        Assert.Equal((0L, 2, TraceDirection.Host, 6), (chunks[0].Offset, chunks[0].Line, chunks[0].Direction, chunks[0].Bytes.Length));
        Assert.Equal((6L, 3, TraceDirection.Host), (chunks[1].Offset, chunks[1].Line, chunks[1].Direction));
        Assert.Equal([0x7F, 0x00], chunks[1].Bytes);
        Assert.Equal((8L, TraceDirection.Device), (chunks[2].Offset, chunks[2].Direction));
        Assert.Equal("7F8001F02380", Convert.ToHexString(chunks[2].Bytes));
    }

    [Fact]
    public void Lines_without_any_prefix_have_unknown_direction()
    {
        var chunks = Samples.ParseHex("7F 80 01\n11 65 82\n");

        Assert.All(chunks, c => Assert.Equal(TraceDirection.Unknown, c.Direction));
        Assert.Equal([0L, 3L], chunks.Select(c => c.Offset));
    }

    [Fact]
    public void Tokens_that_are_not_hex_bytes_are_warned_about_with_their_line_and_skipped()
    {
        var warnings = new List<TraceWarning>();

        var chunks = TraceInput.ParseHex(new StringReader("> 7F 80\n< 01 ZZ 7 11\n"), warnings);

        Assert.Equal([0x01, 0x11], chunks[1].Bytes);
        Assert.Equal([2, 2], warnings.Select(w => w.Line));
        Assert.Contains("'ZZ'", warnings[0].Message, StringComparison.Ordinal);
        Assert.Contains("'7'", warnings[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Binary_input_is_one_chunk_of_unknown_direction() =>
        Assert.Equal(TraceDirection.Unknown, Assert.Single(TraceInput.FromBinary([1, 2, 3])).Direction);
}
