using Microsoft.Extensions.Logging;
using SevaKiosk.Firmware.Agent;
using SevaKiosk.Firmware.Engine;
using SevaKiosk.Firmware.Journal;
using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Hal.Io;

namespace SevaKiosk.Firmware.Hosting;

/// <summary>
/// What the kiosk does with its switches and lights: door open and cash box removed are journaled and reported as
/// alarms (even with the broker unreachable: the agent queues them); the cash-box switch closes and opens cash-box
/// batches; an open door takes the machine out of service; the LEDs follow the service state; and a validator that
/// stays in a critical fault is power-cycled through its relay, at most once per <see cref="PowerCycleSpacing"/>.
/// </summary>
public sealed partial class KioskIoSupervisor : IDisposable
{
    private static readonly FaultDefinition DoorOpen = new("io.door.open", FaultSeverity.Warning, RecommendedAction.OperatorCanClear, true, "The kiosk door is open");
    private static readonly FaultDefinition CashBoxOut = new("io.cashbox.removed", FaultSeverity.Error, RecommendedAction.OperatorCanClear, true, "The cash box is out");

    private readonly IKioskIo _io;
    private readonly KioskJournal _journal;
    private readonly KioskAgent _agent;
    private readonly ServiceState _service;
    private readonly ICashAcceptor _validator;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer _faultTimer;
    private DateTimeOffset _lastPowerCycle = DateTimeOffset.MinValue;

    public KioskIoSupervisor(IKioskIo io, KioskJournal journal, KioskAgent agent, ServiceState service, ICashAcceptor validator, TimeProvider time, ILogger logger)
    {
        _io = io;
        _journal = journal;
        _agent = agent;
        _service = service;
        _validator = validator;
        _time = time;
        _logger = logger;
        _faultTimer = time.CreateTimer(_ => _ = PowerCycleIfStillFaultedAsync(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        io.AlarmRaised += OnAlarm;
        io.InputChanged += OnInput;
        service.Changed += OnServiceChanged;
        validator.FaultRaised += OnValidatorFault;
        OnServiceChanged(service);
    }

    /// <summary>How long a critical validator fault must last before the relay cuts its power.</summary>
    public TimeSpan PowerCycleAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Least time between two power cycles: a validator that does not recover needs a technician.</summary>
    public TimeSpan PowerCycleSpacing { get; init; } = TimeSpan.FromMinutes(10);

    private void OnAlarm(object? sender, IoAlarmEventArgs e)
    {
        var alarm = e.Alarm;
        var definition = alarm.Kind == IoAlarmKind.DoorOpened ? DoorOpen : CashBoxOut;
        _journal.RecordEvent(null, alarm.Kind == IoAlarmKind.DoorOpened ? "DOOR_OPENED" : "CASHBOX_REMOVED", new { alarm.Sequence, alarm.ServiceKeyOn, at = alarm.At });
        _agent.ReportFault(definition.Raise(_io.Name, alarm.At, alarm.ServiceKeyOn ? "service key on" : "service key off"), active: true);
        _io.AcknowledgeAlarms(alarm.Sequence);
    }

    private void OnInput(object? sender, IoInputChangedEventArgs e)
    {
        var change = e.Change;
        switch (change.Input)
        {
            case IoInput.Door when change.Active:
                _service.Block("door", "the kiosk door is open");
                break;
            case IoInput.Door:
                _service.Unblock("door");
                _agent.ReportFault(DoorOpen.Raise(_io.Name, change.At), active: false);
                _journal.RecordEvent(null, "DOOR_CLOSED", new { at = change.At });
                break;
            case IoInput.CashBox when change.Active:
                _journal.OpenCashboxBatch("cash box inserted (switch)");
                _service.Unblock("cashbox");
                _agent.ReportFault(CashBoxOut.Raise(_io.Name, change.At), active: false);
                break;
            case IoInput.CashBox:
                _journal.CloseCashboxBatch("cash box removed (switch)");
                _service.Block("cashbox", "the cash box is out");
                break;
            case IoInput.ServiceKey:
                _journal.RecordEvent(null, change.Active ? "SERVICE_KEY_ON" : "SERVICE_KEY_OFF", new { at = change.At });
                break;
        }
    }

    private void OnServiceChanged(ServiceState state) =>
        _io.SetServiceState(state.InService ? KioskServiceState.InService : KioskServiceState.OutOfService);

    private void OnValidatorFault(object? sender, DeviceFaultEventArgs e)
    {
        if (e.Fault.Severity == FaultSeverity.Critical)
        {
            _faultTimer.Change(PowerCycleAfter, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task PowerCycleIfStillFaultedAsync()
    {
        var critical = _validator.ActiveFaults.FirstOrDefault(f => f.Severity == FaultSeverity.Critical);
        var now = _time.GetUtcNow();
        if (critical is null || now - _lastPowerCycle < PowerCycleSpacing)
        {
            return;
        }

        _lastPowerCycle = now;
        LogPowerCycle(critical.Code);
        _journal.RecordEvent(null, "VALIDATOR_POWER_CYCLE", new { fault = critical.Code });
        try
        {
            await _io.PowerCycleValidatorAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            LogPowerCycleFailed(ex.Message);
        }
    }

    public void Dispose()
    {
        _faultTimer.Dispose();
        _io.AlarmRaised -= OnAlarm;
        _io.InputChanged -= OnInput;
        _service.Changed -= OnServiceChanged;
        _validator.FaultRaised -= OnValidatorFault;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Validator still in critical fault {Code}: power-cycling it through the relay")]
    private partial void LogPowerCycle(string code);

    [LoggerMessage(Level = LogLevel.Error, Message = "Validator power cycle failed: {Message}")]
    private partial void LogPowerCycleFailed(string message);
}
