using System.CommandLine;
using System.Text.Json.Nodes;
using SevaKiosk.Tools.Trace;

namespace SevaKiosk.Tools.Tests.Trace;

/// <summary><c>kioskctl trace decode</c> as a technician runs it: arguments, output lines, exit codes.</summary>
public class TraceDecodeCommandTests
{
    [Fact]
    public async Task Json_mode_prints_one_object_per_frame_with_the_contract_fields()
    {
        var (code, output, error) = await RunAsync("trace", "decode", "--protocol", "ssp", "--json", Samples.Path("ssp-noisy.txt"));

        Assert.Equal(0, code);
        Assert.Empty(error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(11, lines.Count);
        Assert.All(lines, l => Assert.All(["offset", "dir", "kind", "name", "hex"], key => Assert.True(l.ContainsKey(key), key)));
        Assert.Equal("crc-error", (string)lines[2]["kind"]!);
        Assert.Equal("device", (string)lines[4]["dir"]!);
        Assert.Equal("READ", (string)lines[4]["events"]![0]!["name"]!);
        Assert.Equal(3, (int)lines[4]["events"]![0]!["channel"]!);
        Assert.Equal(23, (long)lines[4]["offset"]!);
    }

    [Fact]
    public async Task Id003_json_names_identical_bytes_by_direction_and_gives_status_replies_their_data()
    {
        var (code, output, error) = await RunAsync("trace", "decode", "--protocol", "id003", "--json", Samples.Path("id003-session.txt"));

        Assert.Equal(0, code);
        Assert.Empty(error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(47, lines.Count);
        Assert.All(lines, l => Assert.All(["offset", "dir", "kind", "name", "hex"], key => Assert.True(l.ContainsKey(key), key)));
        var sameBytes = lines.Where(l => (string)l["hex"]! == "FC 05 11 27 56").Select(l => ((string)l["dir"]!, (string)l["name"]!)).Distinct().ToList();
        Assert.Equal([("host", "STATUS_REQUEST"), ("device", "ENABLE_IDLING")], sameBytes);
        var escrow = lines.Single(l => (string)l["name"]! == "ESCROW");
        Assert.Equal("STATUS_REQUEST", (string)escrow["replyTo"]!);
        Assert.Equal(0x66, (int)escrow["events"]![0]!["channel"]!);
        Assert.Equal("0x66 = 500 INR", (string)escrow["detail"]!);
        var rejecting = lines[^1];
        Assert.Equal(("REJECTING", "71"), ((string)rejecting["name"]!, (string)rejecting["events"]![0]!["data"]!));
    }

    [Fact]
    public async Task Text_mode_prints_one_line_per_frame_and_a_summary()
    {
        var (code, output, _) = await RunAsync("trace", "decode", Samples.Path("ssp-session.txt"));

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(0, code);
        Assert.Equal(29, lines.Length);
        Assert.StartsWith("000209 < OK NOTE_CREDIT(6), STACKING  [seq 1, addr 0, reply to POLL]", lines[21], StringComparison.Ordinal);
        Assert.Equal("28 frame(s), 0 CRC error(s), 0 garbage run(s), 276 byte(s)", lines[^1]);
    }

    [Fact]
    public async Task Binary_mode_reads_raw_bytes()
    {
        var (code, output, _) = await RunAsync("trace", "decode", "--binary", "--json", Samples.Path("ssp-session.bin"));

        Assert.Equal(0, code);
        Assert.Equal(28, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Key_decrypts_encrypted_frames()
    {
        var (_, output, _) = await RunAsync("trace", "decode", "--json", "--key", "67452301674523019565000000000000", Samples.Path("ssp-encrypted.txt"));

        var first = JsonNode.Parse(output.Split('\n')[0])!;
        Assert.Equal("POLL", (string)first["name"]!);
        Assert.True((bool)first["encrypted"]!);
        Assert.Equal(0, (int)first["count"]!);
    }

    [Theory]
    [InlineData("mdb", "Unknown protocol")]
    public async Task Protocols_without_a_decoder_fail_with_exit_code_2_and_say_why(string protocol, string message)
    {
        var (code, output, error) = await RunAsync("trace", "decode", "--protocol", protocol, Samples.Path("ssp-session.txt"));

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CcTalk_json_marks_echoes_and_lists_buffered_events()
    {
        var (code, output, error) = await RunAsync("trace", "decode", "--protocol", "cctalk", "--json", Samples.Path("cctalk-session.txt"));

        Assert.Equal(0, code);
        Assert.Empty(error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(45, lines.Count);
        Assert.All(lines, l => Assert.All(["offset", "dir", "kind", "name", "hex"], key => Assert.True(l.ContainsKey(key), key)));
        Assert.Equal(15, lines.Count(l => l["echo"] is not null));
        var credit = lines.Last(l => l["events"] is not null);
        Assert.Equal("BILL_CREDIT", (string)credit["events"]![0]!["name"]!);
        Assert.Equal(6, (int)credit["events"]![0]!["channel"]!);
        Assert.Equal(2, (int)credit["seq"]!);
        Assert.Equal("READ_BUFFERED_BILL_EVENTS", (string)credit["replyTo"]!);
    }

    [Fact]
    public async Task Missing_file_and_bad_key_fail_with_exit_code_2()
    {
        Assert.Equal(2, (await RunAsync("trace", "decode", "/no/such/capture.txt")).Code);
        var (code, _, error) = await RunAsync("trace", "decode", "--key", "xyz", Samples.Path("ssp-session.txt"));
        Assert.Equal(2, code);
        Assert.Contains("32 hex digits", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_hex_tokens_are_warned_about_on_stderr_and_decoding_goes_on()
    {
        var request = new TraceDecodeRequest("ssp", "-", Binary: false, Json: false);
        using var stdin = new StringReader("> 7F 80 01 11 65 82\n< 7F 80 01 F0 2G 23 80\n");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await TraceDecodeRunner.RunAsync(request, stdin, output, error, CancellationToken.None);

        Assert.Equal(0, code);
        Assert.Contains("-:2: '2G' is not a hex byte", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("< OK  [seq 1, addr 0, reply to SYNC]", output.ToString(), StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var root = new RootCommand { TraceCommands.Create() };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }
}
