namespace SevaKiosk.Simulator.Devices.Printers.EscPos;

/// <summary>An auto-reset wake-up: <see cref="Set"/> releases one pending or the next <see cref="WaitAsync"/>.</summary>
internal sealed class AsyncSignal
{
    private readonly object _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Set()
    {
        lock (_gate)
        {
            _next.TrySetResult();
        }
    }

    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        Task wait;
        lock (_gate)
        {
            wait = _next.Task;
        }

        await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (_next.Task.IsCompleted)
            {
                _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }
}
