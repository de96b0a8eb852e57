using Microsoft.Extensions.Logging;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Firmware.Agent.Telemetry;

/// <summary>
/// Samples the registered sources on a <see cref="TimeProvider"/> timer (first sample at start, then every
/// <see cref="KioskAgentOptions.TelemetryInterval"/>) and records all their samples as one batch. A source that throws
/// is logged and left out of that batch; the others still go out. No sources, no batch.
/// </summary>
public sealed class TelemetrySampler : IDisposable
{
    private readonly TelemetryRecorder _recorder;
    private readonly IMachineClock _clock;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;
    private readonly Action<IReadOnlyList<TelemetrySample>>? _sampled;
    private readonly Lock _gate = new();
    private readonly List<Func<MachineStamp, IEnumerable<TelemetrySample>>> _sources = [];
    private ITimer? _timer;

    /// <param name="sampled">Called with every recorded batch's samples (the agent keeps the fleet gauges in the reported state).</param>
    public TelemetrySampler(TelemetryRecorder recorder, IMachineClock clock, TimeProvider time, TimeSpan interval, ILogger logger, Action<IReadOnlyList<TelemetrySample>>? sampled = null)
    {
        _sampled = sampled;
        _recorder = recorder;
        _clock = clock;
        _time = time;
        _interval = interval;
        _logger = logger;
    }

    /// <summary>Adds a source; it is called on a timer thread with the batch's stamp and must not block for long.</summary>
    public void Add(Func<MachineStamp, IEnumerable<TelemetrySample>> source)
    {
        lock (_gate)
        {
            _sources.Add(source);
        }
    }

    public void Start()
    {
        lock (_gate)
        {
            _timer ??= _time.CreateTimer(_ => SampleNow(), null, TimeSpan.Zero, _interval);
        }
    }

    /// <summary>
    /// Moves the next sample to now, on the timer's thread (a gauge changed): the caller, perhaps a citizen's payment,
    /// never waits for the outbox commit. The regular interval restarts from here. No effect before <see cref="Start"/>.
    /// </summary>
    public void RequestSample()
    {
        lock (_gate)
        {
            _timer?.Change(TimeSpan.Zero, _interval);
        }
    }

    /// <summary>Samples every source now and records the batch (null when there was nothing to record).</summary>
    public TelemetryBatch? SampleNow()
    {
        Func<MachineStamp, IEnumerable<TelemetrySample>>[] sources;
        lock (_gate)
        {
            sources = [.. _sources];
        }

        var stamp = _clock.Now();
        var samples = new List<TelemetrySample>();
        foreach (var source in sources)
        {
            try
            {
                samples.AddRange(source(stamp));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                AgentLog.TelemetrySourceFailed(_logger, ex);
            }
        }

        if (samples.Count == 0)
        {
            return null;
        }

        var batch = _recorder.Record(samples);
        _sampled?.Invoke(samples);
        return batch;
    }

    public void Stop()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    public void Dispose() => Stop();
}
