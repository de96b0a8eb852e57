namespace SevaKiosk.Io.Tests;

/// <summary>Waits (real time, bounded) for a condition that a device thread makes true: only for the pty tests.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what, int timeoutMilliseconds = 5000)
    {
        var deadline = Environment.TickCount64 + timeoutMilliseconds;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                Assert.Fail($"Timed out after {timeoutMilliseconds} ms waiting for {what}.");
            }

            await Task.Delay(10);
        }
    }
}
