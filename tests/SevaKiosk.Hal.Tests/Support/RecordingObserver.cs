using SevaKiosk.Hal.CashAcceptors;

namespace SevaKiosk.Hal.Tests.Support;

/// <summary>Keeps every event the driver delivers and lets a test wait for one.</summary>
public sealed class RecordingObserver : ICashAcceptorObserver
{
    private readonly List<CashAcceptorEvent> _events = [];
    private readonly SemaphoreSlim _signal = new(0);

    public IReadOnlyList<CashAcceptorEvent> Events
    {
        get
        {
            lock (_events)
            {
                return _events.ToArray();
            }
        }
    }

    public IReadOnlyList<T> Of<T>() => Events.OfType<T>().ToArray();

    public ValueTask OnEventAsync(CashAcceptorEvent e, CancellationToken cancellationToken)
    {
        lock (_events)
        {
            _events.Add(e);
        }

        _signal.Release();
        return ValueTask.CompletedTask;
    }

    /// <summary>Waits (real time) until an event matching <paramref name="match"/> has been seen.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool>? match = null, int seconds = 30)
        where T : CashAcceptorEvent
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (true)
        {
            var found = Events.OfType<T>().FirstOrDefault(e => match?.Invoke(e) ?? true);
            if (found is not null)
            {
                return found;
            }

            try
            {
                await _signal.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No {typeof(T).Name} within {seconds} s; saw: {string.Join(", ", Events.Select(e => e.Kind))}");
            }
        }
    }

    /// <summary>Waits until <paramref name="count"/> events of a kind have been seen.</summary>
    public async Task<IReadOnlyList<T>> WaitForCountAsync<T>(int count, int seconds = 60)
        where T : CashAcceptorEvent
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (Of<T>().Count < count)
        {
            try
            {
                await _signal.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Saw {Of<T>().Count} of {count} {typeof(T).Name} within {seconds} s.");
            }
        }

        return Of<T>();
    }
}

/// <summary>An escrow handler whose decision a test scripts.</summary>
public sealed class ScriptedHandler(Func<EscrowedNote, CancellationToken, Task<EscrowDecision>> decide) : ICashInHandler
{
    public static ScriptedHandler AcceptAll { get; } = new((_, _) => Task.FromResult(EscrowDecision.Accept));

    public static ScriptedHandler ReturnAll { get; } = new((_, _) => Task.FromResult(EscrowDecision.Return));

    public int Calls;

    public async ValueTask<EscrowDecision> DecideAsync(EscrowedNote note, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Calls);
        return await decide(note, cancellationToken);
    }
}
