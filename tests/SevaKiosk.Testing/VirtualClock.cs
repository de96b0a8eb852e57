using Microsoft.Extensions.Time.Testing;

namespace SevaKiosk.Testing;

/// <summary>
/// Virtual time for long scenarios (10,000 notes, an hour-long outage): a <see cref="FakeTimeProvider"/> that knows
/// when its next timer is due and, whenever the code under test has gone quiet, jumps straight to it. An hour of
/// polling runs in as long as the work itself takes, not an hour, and nothing waits on the real clock.
/// </summary>
/// <remarks>
/// "Quiet" means the thread pool has no queued work and completed none for three short spins in a row; each jump
/// is at most <c>maxJump</c> (50 ms by default), so a misjudged quiet moment costs at most that much virtual time. A component
/// still busy on a pool thread when the clock jumps sees time move under it, which is what a slow real device looks
/// like too; protocol code must already cope with that, so tests assert outcomes, never timing.
/// Run such tests in a collection with parallelisation disabled: other tests' work would look like activity.
/// </remarks>
public sealed class VirtualClock : TimeProvider, IAsyncDisposable
{
    private readonly FakeTimeProvider _fake;
    private readonly object _gate = new();
    private readonly List<TrackedTimer> _timers = [];
    private readonly CancellationTokenSource _stop = new();

    // Quiet is a heuristic: a thread descheduled mid-work looks quiet too. Bounding each jump bounds the damage to
    // what a briefly slow host looks like, instead of letting a busy component miss seconds of its own timers.
    private readonly TimeSpan _maxJump;
    private Task? _pump;

    public VirtualClock(DateTimeOffset? start = null, TimeSpan? maxJump = null)
    {
        _maxJump = maxJump ?? TimeSpan.FromMilliseconds(50);
        _fake = new FakeTimeProvider(start ?? new DateTimeOffset(2026, 11, 28, 4, 30, 0, TimeSpan.Zero));
    }

    /// <summary>Virtual time that has passed since <see cref="Start"/>.</summary>
    public TimeSpan Elapsed => _fake.GetUtcNow() - _started;

    private DateTimeOffset _started;

    public override DateTimeOffset GetUtcNow() => _fake.GetUtcNow();

    public override long GetTimestamp() => _fake.GetTimestamp();

    public override long TimestampFrequency => _fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        // Create the real (fake) timer first and record its due time afterwards: if the pump advances in between,
        // the recorded due time is late rather than early, and a late record only makes the pump stop early.
        var timer = new TrackedTimer(this);
        timer.Inner = _fake.CreateTimer(
            s =>
            {
                timer.Fired();
                callback(s);
            },
            state,
            dueTime,
            period);
        timer.Track(dueTime, period);
        return timer;
    }

    /// <summary>Starts jumping time forward whenever the system is quiet.</summary>
    public VirtualClock Start()
    {
        _started = _fake.GetUtcNow();
        _pump = Task.Factory.StartNew(Pump, TaskCreationOptions.LongRunning);
        return this;
    }

    /// <summary>Moves time by hand (for tests that do not start the pump).</summary>
    public void Advance(TimeSpan by) => _fake.Advance(by);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_pump is not null)
        {
            await _pump.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private void Pump()
    {
        while (!_stop.IsCancellationRequested)
        {
            if (!WaitForQuiet())
            {
                continue;
            }

            var next = NextDue();
            var now = _fake.GetUtcNow();
            if (next is null)
            {
                Thread.Sleep(1);
                continue;
            }

            if (next.Value > now)
            {
                var jump = next.Value - now;
                _fake.Advance(jump < _maxJump ? jump : _maxJump);
            }
            else
            {
                // Due already: let the fake fire it; a record still due afterwards is stale, so forget it.
                _fake.Advance(TimeSpan.Zero);
                ForgetStale(now);
            }
        }
    }

    private void ForgetStale(DateTimeOffset now)
    {
        lock (_gate)
        {
            foreach (var t in _timers)
            {
                t.ForgetIfDueBy(now);
            }
        }
    }

    private DateTimeOffset? NextDue()
    {
        lock (_gate)
        {
            DateTimeOffset? next = null;
            foreach (var t in _timers)
            {
                if (t.Due is { } due && (next is null || due < next))
                {
                    next = due;
                }
            }

            return next;
        }
    }

    private bool WaitForQuiet()
    {
        var completed = ThreadPool.CompletedWorkItemCount;
        for (var round = 0; round < 3; round++)
        {
            Thread.SpinWait(2000);
            Thread.Yield();
            if (ThreadPool.PendingWorkItemCount != 0 || ThreadPool.CompletedWorkItemCount != completed || BusyWorkers() > _idleBusy)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Worker threads running a work item right now. A thread parked for good (a blocking read on a pseudo-terminal)
    /// counts too, so the idle level is the lowest count seen over the last few hundred checks, not zero.
    /// </summary>
    private int BusyWorkers()
    {
        ThreadPool.GetMaxThreads(out var max, out _);
        ThreadPool.GetAvailableThreads(out var available, out _);
        var busy = max - available;
        _busyWindow[_busyIndex++ % _busyWindow.Length] = busy;
        _idleBusy = _busyIndex < _busyWindow.Length ? 0 : _busyWindow.Min();
        return busy;
    }

    private readonly int[] _busyWindow = new int[512];
    private int _busyIndex;
    private int _idleBusy;

    private sealed class TrackedTimer(VirtualClock clock) : ITimer
    {
        public ITimer Inner { get; set; } = null!;

        public DateTimeOffset? Due { get; private set; }

        private TimeSpan _period;
        private int _fired;

        public void ForgetIfDueBy(DateTimeOffset now)
        {
            if (Due <= now)
            {
                Due = _period > TimeSpan.Zero && _period != Timeout.InfiniteTimeSpan ? now + _period : null;
            }
        }

        public void Track(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._gate)
            {
                _period = period;
                var firedBeforeTracking = Interlocked.Exchange(ref _fired, 0) > 0 && (period <= TimeSpan.Zero || period == Timeout.InfiniteTimeSpan);
                Due = dueTime == Timeout.InfiniteTimeSpan || firedBeforeTracking ? null : clock._fake.GetUtcNow() + dueTime;
                if (!clock._timers.Contains(this))
                {
                    clock._timers.Add(this);
                }
            }
        }

        /// <summary>Called when the fake clock passes our due time: periodic timers re-arm, one-shots go idle.</summary>
        public void Fired()
        {
            Interlocked.Increment(ref _fired);
            lock (clock._gate)
            {
                Due = _period > TimeSpan.Zero && _period != Timeout.InfiniteTimeSpan ? Due + _period : null;
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Exchange(ref _fired, 0);
            var changed = Inner.Change(dueTime, period);
            Track(dueTime, period);
            return changed;
        }

        public void Dispose()
        {
            lock (clock._gate)
            {
                clock._timers.Remove(this);
            }

            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
