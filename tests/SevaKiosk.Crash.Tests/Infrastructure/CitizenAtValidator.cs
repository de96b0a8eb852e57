namespace SevaKiosk.Crash.Tests.Infrastructure;

/// <summary>
/// The citizen in front of an out-of-process validator: waits until the kiosk asks for notes, then offers them one at a
/// time, each once the previous one has left the note path. Walks away when the kiosk dies.
/// </summary>
internal static class CitizenAtValidator
{
    /// <returns>The notes the validator took in (the last may still be in its path when the kiosk died).</returns>
    public static async Task<IReadOnlyList<long>> PayAsync(ChildProcess kiosk, ValidatorProcess validator, IReadOnlyList<long> notes, TimeSpan timeout)
    {
        try
        {
            await kiosk.WaitForStdoutAsync(line => line.Contains("Citizen is asked for", StringComparison.Ordinal), timeout);
        }
        catch (InvalidOperationException)
        {
            // Its output ended: the kiosk died before cash-in.
            await kiosk.Exited.WaitAsync(timeout);
            return [];
        }

        var offered = new List<long>();
        var deadline = DateTime.UtcNow + timeout;
        foreach (var note in notes)
        {
            while (true)
            {
                if (kiosk.HasExited || DateTime.UtcNow > deadline)
                {
                    return offered;
                }

                var mark = validator.Mark;
                if (await validator.InsertAsync(note))
                {
                    offered.Add(note);
                    using var died = new CancellationTokenSource();
                    var settled = validator.WaitSettledAsync(mark, timeout, died.Token);
                    if (await Task.WhenAny(settled, kiosk.Exited) != settled)
                    {
                        await died.CancelAsync();
                    }

                    try
                    {
                        await settled;
                    }
                    catch (OperationCanceledException)
                    {
                        return offered; // the kiosk died with this note in the path: the device settles it alone
                    }

                    break;
                }

                // Not enabled yet, or still busy: the bezel light is off, try again shortly.
                await Task.Delay(30);
            }
        }

        return offered;
    }
}
