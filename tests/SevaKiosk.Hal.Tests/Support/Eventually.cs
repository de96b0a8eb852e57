namespace SevaKiosk.Hal.Tests.Support;

/// <summary>Waiting on conditions a driver's background loop makes true.</summary>
public static class Eventually
{
    /// <summary>Waits (real time) until <paramref name="condition"/> holds.</summary>
    public static async Task Holds(Func<bool> condition, string what, int seconds = 30)
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
