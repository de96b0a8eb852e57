using System.Device.Gpio;
using Microsoft.Extensions.Time.Testing;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Hal.Io;
using SevaKiosk.Simulator.Devices.Gpio;

namespace SevaKiosk.Io.Tests.Io;

/// <summary>The kiosk I/O board on a GpioController over the simulated GPIO driver, in virtual time.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes through IAsyncLifetime.DisposeAsync.")]
public sealed class KioskIoBoardTests : IAsyncLifetime
{
    private static readonly KioskIoOptions PinMap = KioskIoOptions.ReferenceWiring with
    {
        Debounce = TimeSpan.FromMilliseconds(50),
        PollInterval = TimeSpan.FromMilliseconds(10),
        RelayOffTime = TimeSpan.FromSeconds(3),
    };

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.FromHours(5.5)));
    private readonly SimulatedGpioDriver _driver = new();
    private readonly List<IoInputChange> _changes = [];
    private readonly List<IoAlarm> _alarms = [];
    private KioskIoBoard _board = null!;

    public async Task InitializeAsync()
    {
        // Door closed (reed switch pulls low), cash box in (switch to ground), service key off (floating, pulled up).
        _driver.Drive(17, PinValue.Low);
        _driver.Drive(27, PinValue.Low);
        _board = new KioskIoBoard(new GpioController(_driver), PinMap, _time, shouldDispose: true);
        _board.InputChanged += (_, e) => _changes.Add(e.Change);
        _board.AlarmRaised += (_, e) => _alarms.Add(e.Alarm);
        await _board.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await _board.DisposeAsync();

    [Fact]
    public void Starts_with_the_inputs_as_wired_and_the_validator_powered()
    {
        Assert.Equal(DeviceState.Online, _board.State);
        Assert.Equal((DoorState.Closed, CashBoxPresence.Present, false), (_board.Status.Door, _board.Status.CashBox, _board.Status.ServiceKeyOn));
        Assert.Equal(PinValue.Low, _driver.OutputLevel(26)); // active-low relay: low = energised = validator powered
        Assert.Equal(PinValue.High, _driver.OutputLevel(6)); // out-of-service LED until the firmware says otherwise
        Assert.Empty(_alarms);
    }

    [Fact]
    public void A_level_change_whose_edge_the_driver_missed_is_still_seen_by_the_idle_sampling()
    {
        var openedAt = _time.GetUtcNow();
        _driver.DriveWithoutEdge(17, PinValue.High);

        // Idle: sampled every second, then at the poll interval until the debounce time has passed.
        Run(PinMap.IdleSampleInterval + PinMap.Debounce + TimeSpan.FromMilliseconds(20));

        var change = Assert.Single(_changes);
        Assert.Equal((IoInput.Door, true), (change.Input, change.Active));
        Assert.InRange(change.At - openedAt, TimeSpan.Zero, PinMap.IdleSampleInterval);
        Assert.Equal(IoAlarmKind.DoorOpened, Assert.Single(_alarms).Kind);
    }

    [Fact]
    public async Task On_a_driver_without_edge_events_inputs_are_sampled_at_the_poll_interval_and_debounced_the_same()
    {
        var driver = new SimulatedGpioDriver(reportsEdges: false);
        driver.Drive(17, PinValue.Low);
        driver.Drive(27, PinValue.Low);
        var changes = new List<IoInputChange>();
        await using var board = new KioskIoBoard(new GpioController(driver), PinMap, _time, shouldDispose: true);
        board.InputChanged += (_, e) => changes.Add(e.Change);
        await board.StartAsync(CancellationToken.None);

        var removedAt = _time.GetUtcNow();
        driver.Drive(27, PinValue.High);
        Run(TimeSpan.FromMilliseconds(40));
        Assert.Empty(changes);
        Run(TimeSpan.FromMilliseconds(30));

        var change = Assert.Single(changes);
        Assert.Equal((IoInput.CashBox, false), (change.Input, change.Active));
        Assert.InRange(change.At - removedAt, TimeSpan.Zero, PinMap.PollInterval);
        Assert.Equal(CashBoxPresence.Removed, board.Status.CashBox);
    }

    [Fact]
    public void A_door_opening_is_debounced_stamped_with_its_first_edge_and_raised_as_an_alarm_and_fault()
    {
        var openedAt = _time.GetUtcNow();
        _driver.Drive(17, PinValue.High);
        Run(TimeSpan.FromMilliseconds(40));
        Assert.Empty(_changes);

        Run(TimeSpan.FromMilliseconds(30));

        var change = Assert.Single(_changes);
        Assert.Equal(IoInput.Door, change.Input);
        Assert.True(change.Active);
        Assert.InRange(change.At, openedAt, openedAt + PinMap.PollInterval);
        Assert.Equal(DoorState.Open, _board.Status.Door);
        var alarm = Assert.Single(_alarms);
        Assert.Equal((IoAlarmKind.DoorOpened, 1L, false), (alarm.Kind, alarm.Sequence, alarm.ServiceKeyOn));
        Assert.Equal("io.door.open", Assert.Single(_board.ActiveFaults).Code);
        Assert.Equal(DeviceState.UserError, _board.State);

        _driver.Drive(17, PinValue.Low);
        Run(TimeSpan.FromMilliseconds(100));
        Assert.Equal(DoorState.Closed, _board.Status.Door);
        Assert.Empty(_board.ActiveFaults);
        Assert.Equal(DeviceState.Online, _board.State);
    }

    [Fact]
    public void Bounces_shorter_than_the_debounce_time_are_ignored()
    {
        for (var i = 0; i < 10; i++)
        {
            _driver.Drive(17, i % 2 == 0 ? PinValue.High : PinValue.Low);
            Run(TimeSpan.FromMilliseconds(20));
        }

        _driver.Drive(17, PinValue.Low);
        Run(TimeSpan.FromSeconds(1));

        Assert.Empty(_changes);
        Assert.Empty(_alarms);
        Assert.Equal(DoorState.Closed, _board.Status.Door);
    }

    [Fact]
    public void Cash_box_removal_is_an_alarm_even_while_the_kiosk_is_offline_and_stays_pending_until_acknowledged()
    {
        _board.SetServiceState(KioskServiceState.Offline);

        _driver.Drive(27, null); // switch opens: pulled up, box gone
        Run(TimeSpan.FromMilliseconds(100));

        var alarm = Assert.Single(_board.PendingAlarms);
        Assert.Equal((IoAlarmKind.CashBoxRemoved, KioskServiceState.Offline), (alarm.Kind, alarm.ServiceState));
        Assert.Equal(alarm, Assert.Single(_alarms));
        Assert.Equal(CashBoxPresence.Removed, _board.Status.CashBox);
        Assert.Equal("io.cashbox.removed", Assert.Single(_board.ActiveFaults).Code);
        Assert.True(_board.Status.Leds.Attention);
        Assert.Equal(PinValue.High, _driver.OutputLevel(13));
        Assert.Equal(PinValue.High, _driver.OutputLevel(6));

        _board.AcknowledgeAlarms(alarm.Sequence);
        Assert.Empty(_board.PendingAlarms);
        Assert.Equal(PinValue.Low, _driver.OutputLevel(13));
    }

    [Fact]
    public void A_door_opened_with_the_service_key_is_an_alarm_marked_as_staff_but_no_fault()
    {
        _driver.Drive(22, PinValue.Low);
        Run(TimeSpan.FromMilliseconds(100));
        _driver.Drive(17, PinValue.High);
        Run(TimeSpan.FromMilliseconds(100));

        Assert.True(Assert.Single(_alarms).ServiceKeyOn);
        Assert.Empty(_board.ActiveFaults);
        Assert.Equal([IoInput.ServiceKey, IoInput.Door], _changes.Select(c => c.Input));

        _driver.Drive(22, null); // key out while the door is still open
        Run(TimeSpan.FromMilliseconds(100));
        Assert.Equal("io.door.open", Assert.Single(_board.ActiveFaults).Code);
    }

    [Fact]
    public async Task Power_cycle_cuts_the_validator_for_the_off_time_then_restores_it()
    {
        var relay = new List<(TimeSpan At, PinValue Level)>();
        var start = _time.GetUtcNow();
        _driver.OutputChanged += (pin, level) =>
        {
            if (pin == 26)
            {
                relay.Add((_time.GetUtcNow() - start, level));
            }
        };

        var cycle = _board.PowerCycleValidatorAsync(CancellationToken.None);
        Assert.Equal(ValidatorPower.Cycling, _board.Status.ValidatorPower);
        await Assert.ThrowsAsync<InvalidOperationException>(() => _board.PowerCycleValidatorAsync(CancellationToken.None));
        Run(TimeSpan.FromSeconds(2.9));
        Assert.False(cycle.IsCompleted);
        Run(TimeSpan.FromSeconds(0.1));
        await cycle;

        Assert.Equal([(TimeSpan.Zero, PinValue.High), (TimeSpan.FromSeconds(3), PinValue.Low)], relay);
        Assert.Equal(ValidatorPower.On, _board.Status.ValidatorPower);
        Assert.Equal(1, _board.PowerCycles);
    }

    [Fact]
    public async Task A_cancelled_power_cycle_still_restores_power()
    {
        using var cts = new CancellationTokenSource();
        var cycle = _board.PowerCycleValidatorAsync(cts.Token);
        Assert.Equal(PinValue.High, _driver.OutputLevel(26));

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cycle);
        Assert.Equal(PinValue.Low, _driver.OutputLevel(26));
        Assert.Equal(ValidatorPower.On, _board.Status.ValidatorPower);
    }

    [Fact]
    public async Task Buzzer_sounds_for_the_requested_time()
    {
        var beep = _board.BeepAsync(TimeSpan.FromMilliseconds(300), CancellationToken.None);
        Assert.Equal(PinValue.High, _driver.OutputLevel(19));
        Run(TimeSpan.FromMilliseconds(300));
        await beep;
        Assert.Equal(PinValue.Low, _driver.OutputLevel(19));
    }

    [Fact]
    public void Bad_pin_maps_fail_at_start_naming_the_key()
    {
        var duplicate = Assert.Throws<DeviceConfigurationException>(() => (PinMap with { Buzzer = new OutputPin { Pin = 17 } }).Validate());
        Assert.Equal("KioskIo:Buzzer:Pin", duplicate.Key);
        Assert.Contains("KioskIo:Door:Pin", duplicate.Message, StringComparison.Ordinal);

        var missing = Assert.Throws<DeviceConfigurationException>(() => (PinMap with { ValidatorRelay = new OutputPin() }).Validate());
        Assert.Equal("KioskIo:ValidatorRelay:Pin", missing.Key);

        var beyond = Assert.Throws<DeviceConfigurationException>(() =>
            new KioskIoBoard(new GpioController(new SimulatedGpioDriver(pinCount: 28)), PinMap with { ValidatorRelay = new OutputPin { Pin = 40 } }));
        Assert.Equal("KioskIo:ValidatorRelay:Pin", beyond.Key);

        var poll = Assert.Throws<DeviceConfigurationException>(() => (PinMap with { PollInterval = TimeSpan.Zero }).Validate());
        Assert.Equal("KioskIo:PollInterval", poll.Key);
    }

    /// <summary>
    /// Moves virtual time forward in 5 ms steps. FakeTimeProvider.Advance jumps the clock first and then fires every due
    /// timer tick at the new time, so one big jump would show the sampler a single instant instead of a real timeline.
    /// </summary>
    private void Run(TimeSpan duration)
    {
        var step = TimeSpan.FromMilliseconds(5);
        for (var done = TimeSpan.Zero; done < duration; done += step)
        {
            _time.Advance(duration - done < step ? duration - done : step);
        }
    }
}
