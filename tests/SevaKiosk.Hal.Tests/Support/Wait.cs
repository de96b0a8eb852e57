namespace SevaKiosk.Hal.Tests.Support;

/// <summary>Waiting on the real clock for something the code under test does in virtual (or real) time.</summary>
internal static class Wait
{
    /// <summary>Waits (real time) until <paramref name="condition"/> holds.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, int seconds = 30)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Timed out waiting for: {what}");
            }

            await Task.Delay(5);
        }
    }
}
