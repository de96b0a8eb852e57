using System.Globalization;
using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using SevaKiosk.Hal.CardReaders;
using SevaKiosk.Hal.CardReaders.Pn532;
using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Tools.Diag;

/// <summary>
/// <c>kioskctl diag card-reader --port PATH [--json] [--wait-seconds N]</c>: opens the PN532 on PATH, waits for a card
/// and prints its UID, type and the citizen fields it could read. Exit codes: 0 card read, 1 card present but its
/// citizen fields could not be read, 2 reader offline or bad configuration, 3 no card within the wait.
/// </summary>
internal static class CardReaderDiagCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var port = new Option<string>("--port") { Description = "Serial port of the PN532 (HSU), for example /dev/ttyUSB0 or the simulator's /dev/pts/N.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text." };
        var wait = new Option<int>("--wait-seconds") { Description = "How long to wait for a card.", DefaultValueFactory = _ => 30 };
        var command = new Command("card-reader", "Wait for a card on a PN532 reader and print its UID, type and citizen fields.") { port, json, wait };
        command.SetAction(async (result, cancellationToken) =>
        {
            var report = await RunAsync(result.GetValue(port)!, TimeSpan.FromSeconds(Math.Max(0, result.GetValue(wait))), cancellationToken).ConfigureAwait(false);
            Console.Out.Write(result.GetValue(json) ? report.Json.ToJsonString(Indented) + Environment.NewLine : report.Text);
            return report.ExitCode;
        });
        return command;
    }

    /// <summary>How long a reader that did not answer its first wake-up gets before the command says it is offline.</summary>
    private static readonly TimeSpan ReaderAnswerBudget = TimeSpan.FromSeconds(5);

    internal static async Task<(int ExitCode, JsonObject Json, string Text)> RunAsync(string port, TimeSpan wait, CancellationToken cancellationToken)
    {
        var output = new JsonObject { ["port"] = port };
        var text = new System.Text.StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Reader     PN532 on {port}");
        Pn532CardReader reader;
        try
        {
            reader = new Pn532CardReader(new Pn532CardReaderOptions { Port = port, PollInterval = TimeSpan.FromMilliseconds(100) });
        }
        catch (DeviceConfigurationException ex)
        {
            output["error"] = ex.Message;
            text.AppendLine(CultureInfo.InvariantCulture, $"Error      {ex.Message}");
            return (2, output, text.ToString());
        }

        await using (reader.ConfigureAwait(false))
        {
            var presented = new TaskCompletionSource<PresentedCard>(TaskCreationOptions.RunContinuationsAsynchronously);
            var online = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            reader.CardPresented += (_, e) => presented.TrySetResult(e.Card);
            reader.StatusChanged += (_, e) =>
            {
                if (e.Current.Device == DeviceState.Online)
                {
                    online.TrySetResult();
                }
            };
            await reader.StartAsync(cancellationToken).ConfigureAwait(false);
            if (reader.State != DeviceState.Online)
            {
                // The reader retries every ReconnectInterval: a chip slow to answer its first wake-up (a busy board, a
                // reader still powering up) is not an absent one, so it gets a few more attempts before the verdict.
                try
                {
                    await online.Task.WaitAsync(ReaderAnswerBudget, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    // Reported below as offline, with the reader's own fault.
                }
            }

            output["reader"] = new JsonObject
            {
                ["state"] = reader.State.ToString(),
                ["firmware"] = reader.Capabilities?.Firmware,
                ["faults"] = new JsonArray(reader.ActiveFaults.Select(f => (JsonNode)JsonValue.Create(f.ToString())!).ToArray()),
            };
            if (reader.State != DeviceState.Online)
            {
                var fault = reader.ActiveFaults.Count > 0 ? reader.ActiveFaults[0].Message : "not answering";
                text.AppendLine(CultureInfo.InvariantCulture, $"State      {reader.State}: {fault}");
                return (2, output, text.ToString());
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"Firmware   {reader.Capabilities!.Firmware}");
            text.AppendLine(CultureInfo.InvariantCulture, $"Waiting    up to {wait.TotalSeconds:F0} s for a card...");
            PresentedCard card;
            try
            {
                card = await presented.Task.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                output["error"] = "no card presented";
                text.AppendLine("Card       none presented");
                return (3, output, text.ToString());
            }

            output["card"] = new JsonObject { ["uid"] = card.Uid, ["type"] = card.Type.ToString(), ["model"] = card.Model };
            text.AppendLine(CultureInfo.InvariantCulture, $"UID        {card.Uid}");
            text.AppendLine(CultureInfo.InvariantCulture, $"Type       {card.Type} ({card.Model})");
            try
            {
                var citizen = await reader.ReadCitizenCardAsync(cancellationToken).ConfigureAwait(false);
                output["citizen"] = new JsonObject
                {
                    ["familyId"] = citizen.FamilyId,
                    ["cardId"] = citizen.CardId,
                    ["holderName"] = citizen.HolderName,
                    ["source"] = citizen.Source,
                    ["complete"] = citizen.IsComplete,
                };
                text.AppendLine(CultureInfo.InvariantCulture, $"Family id  {citizen.FamilyId ?? "-"}");
                text.AppendLine(CultureInfo.InvariantCulture, $"Card id    {citizen.CardId ?? "-"}");
                text.AppendLine(CultureInfo.InvariantCulture, $"Holder     {citizen.HolderName ?? "-"}");
                text.AppendLine(CultureInfo.InvariantCulture, $"Source     {citizen.Source}");
                return (0, output, text.ToString());
            }
            catch (CardReadException ex)
            {
                output["error"] = ex.Message;
                output["failure"] = ex.Failure.ToString();
                text.AppendLine(CultureInfo.InvariantCulture, $"Citizen    not read: {ex.Message}");
                return (1, output, text.ToString());
            }
        }
    }
}
