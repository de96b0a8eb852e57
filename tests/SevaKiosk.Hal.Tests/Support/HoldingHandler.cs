using SevaKiosk.Hal.CashAcceptors;

namespace SevaKiosk.Hal.Tests.Support;

/// <summary>
/// An escrow handler that holds the first note it is asked about: it lets the test know, then takes
/// <paramref name="delay"/> on <paramref name="clock"/> before accepting, so the test can act (power cut, jam) while
/// the note waits in escrow. Later notes are accepted at once.
/// </summary>
public sealed class HoldingHandler(TimeProvider clock, TimeSpan delay) : ICashInHandler
{
    private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Waits (real time, at most 30 s) until the first note is being decided.</summary>
    public Task WaitUntilHoldingAsync() => _holding.Task.WaitAsync(TimeSpan.FromSeconds(30));

    public async ValueTask<EscrowDecision> DecideAsync(EscrowedNote note, CancellationToken cancellationToken)
    {
        if (_holding.TrySetResult())
        {
            await Task.Delay(delay, clock, cancellationToken);
        }

        return EscrowDecision.Accept;
    }
}
