using System.Text.Json.Nodes;
using SevaKiosk.Io.Tests.CardReaders;
using SevaKiosk.Simulator.Control;
using SevaKiosk.Simulator.Devices.CardReaders.Pn532;
using SevaKiosk.Tools.Diag;

namespace SevaKiosk.Io.Tests.Commands;

/// <summary>The command-line contracts: sevakiosk-sim's card-reader control lines and kioskctl's diag output.</summary>
public class CommandContractTests
{
    [Fact]
    public async Task Card_reader_simulator_applies_json_lines_and_answers_bad_ones_with_an_error()
    {
        var device = new SimulatedPn532();
        var output = new StringWriter();
        var events = new List<JsonObject>();
        device.EventOccurred += events.Add;
        var input = new StringReader("""
            {"tap":{"uid":"04A224B1C35E80","type":"ultralight","ndef":"name=Asha"}}
            {"tap":{"uid":"04A2","type":"ultralight"}}
            {"silent":true}
            {"remove":true}
            not json
            """);

        await DeviceControlSession.ApplyCommandsAsync(device, input, new JsonLineWriter(output), CancellationToken.None);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToArray();
        Assert.Equal([true, false, true, true, false], lines.Select(l => (bool)l["ok"]!));
        Assert.Equal("04A224B1C35E80", (string?)lines[0]["uid"]);
        Assert.Equal("An NTAG213 has a 7-byte UID.", (string?)lines[1]["error"]);
        Assert.Equal(["tapped", "silent", "removed"], events.Select(e => (string?)e["event"]));
        Assert.Null(device.Card);
        Assert.True(device.Silent);
    }

    [Fact]
    public async Task Diag_card_reader_prints_uid_type_and_citizen_fields_as_json()
    {
        await using var sim = new SimulatedPn532Harness();
        sim.Control("""{"tap":{"uid":"04A224B1C35E80","type":"ultralight","ndef":"family=RJ-1234567890;card=JAN-0042-7781;name=Sunita Devi"}}""");

        var (code, json, text) = await CardReaderDiagCommand.RunAsync(sim.PortPath, TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Equal(0, code);
        Assert.Equal("04A224B1C35E80", (string?)json["card"]!["uid"]);
        Assert.Equal("MifareUltralight", (string?)json["card"]!["type"]);
        Assert.Equal("RJ-1234567890", (string?)json["citizen"]!["familyId"]);
        Assert.Equal("Sunita Devi", (string?)json["citizen"]!["holderName"]);
        Assert.Contains("Holder     Sunita Devi", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diag_card_reader_exits_3_when_no_card_comes_and_2_for_an_unknown_port()
    {
        await using var sim = new SimulatedPn532Harness();

        var (noCard, json, _) = await CardReaderDiagCommand.RunAsync(sim.PortPath, TimeSpan.FromMilliseconds(300), CancellationToken.None);
        var (badPort, badJson, _) = await CardReaderDiagCommand.RunAsync("/dev/serial/by-id/none", TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Equal(3, noCard);
        Assert.Equal("no card presented", (string?)json["error"]);
        Assert.Equal(2, badPort);
        Assert.Contains("CardReader:Port", (string?)badJson["error"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diag_card_reader_gives_a_reader_slow_to_answer_its_first_wake_up_more_attempts_and_says_offline_for_one_that_never_does()
    {
        await using var slow = new SimulatedPn532Harness();
        slow.Device.SetSilent(true);
        var slowRun = CardReaderDiagCommand.RunAsync(slow.PortPath, TimeSpan.FromMilliseconds(300), CancellationToken.None);

        // Silent past the reader's first attempt (three tries of the binding's wake-up, ~0.8 s on a quiet machine);
        // its next comes a ReconnectInterval (2 s) later and finds it answering.
        await Task.Delay(1500);
        slow.Device.SetSilent(false);
        var (slowCode, slowJson, _) = await slowRun;

        Assert.Equal(3, slowCode);
        Assert.Equal("Online", (string?)slowJson["reader"]!["state"]);

        await using var mute = new SimulatedPn532Harness();
        mute.Device.SetSilent(true);
        var (muteCode, muteJson, muteText) = await CardReaderDiagCommand.RunAsync(mute.PortPath, TimeSpan.FromMilliseconds(300), CancellationToken.None);

        Assert.Equal(2, muteCode);
        Assert.Equal("Offline", (string?)muteJson["reader"]!["state"]);
        Assert.Contains("no PN532 answers", muteText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diag_io_and_sensors_run_against_the_simulated_drivers_when_nothing_is_configured()
    {
        var (ioCode, io, ioText) = await IoDiagCommand.RunAsync(null, CancellationToken.None);
        var (sensorCode, sensors, sensorText) = await SensorsDiagCommand.RunAsync(null, CancellationToken.None);

        Assert.Equal((0, 0), (ioCode, sensorCode));
        Assert.Equal(("simulated", "Closed", "Present", "On"), ((string?)io["driver"], (string?)io["door"], (string?)io["cashBox"], (string?)io["validatorPower"]));
        Assert.Contains("Door            Closed", ioText, StringComparison.Ordinal);
        Assert.Equal(25.0, (double)sensors["enclosureCelsius"]!, 2);
        Assert.Equal(1013.25, (double)sensors["pressureHectopascals"]!, 2);
        Assert.Contains("Enclosure    25.00 °C", sensorText, StringComparison.Ordinal);
        Assert.Contains("Humidity     40.0 %RH", sensorText, StringComparison.Ordinal);
    }
}
