using Nerdbank.Streams;
using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.CashAcceptors.Id003;
using SevaKiosk.Hal.Links;
using SevaKiosk.Simulator.Devices.Validators.Id003;
using SevaKiosk.Tools.Trace;

namespace SevaKiosk.Tools.Tests.Trace;

/// <summary>
/// The kiosk's ID-003 driver against the simulated unit, with a tap on the host's end of the wire writing a prefixed
/// capture: the decoder must read every frame of a real session, and tell the adapter's echo from the unit's replies.
/// </summary>
public class Id003DriverCaptureTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_capture_of_the_driver_taking_a_note_decodes_with_every_reply_paired(bool echoingAdapter)
    {
        var (host, device) = FullDuplexStream.CreatePair();
        var tap = new CaptureTap(host);
        await using var sim = new Id003SimulatedValidator(new Id003SimulatorOptions
        {
            InitializeDuration = TimeSpan.FromMilliseconds(200),
            AcceptingDuration = TimeSpan.FromMilliseconds(150),
            StackingDuration = TimeSpan.FromMilliseconds(200),
            StackerPointAfter = TimeSpan.FromMilliseconds(80),
            StackedDuration = TimeSpan.FromMilliseconds(100),
            RejectingDuration = TimeSpan.FromMilliseconds(300),
        });
        sim.SetEcho(echoingAdapter);
        using var stop = new CancellationTokenSource();
        var unit = Task.Run(() => sim.RunAsync(device, stop.Token));
        var events = new Events();
        Id003LinkStatistics link;
        await using (var driver = new Id003CashAcceptor(StreamLinkFactory.Fixed(tap), new Id003Options
        {
            PollInterval = TimeSpan.FromMilliseconds(50),
            InitPause = TimeSpan.FromMilliseconds(50),

            // The decoder is under test, not the link's timing: a reply window of 1 s rather than the unit's 150 ms keeps
            // a loaded CI machine from turning replies late (each late one is an unpaired frame on the wire).
            ResponseTimeout = TimeSpan.FromSeconds(1),
        }))
        {
            using (var started = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
            {
                await driver.StartAsync(events, started.Token);
            }

            var tx = await driver.BeginCashInAsync(new CashInRequest("INR"), new AcceptEveryNote(), CancellationToken.None);
            await InsertAsync(sim, 500, null);
            await events.WaitAsync(e => e is NoteCredited);
            await InsertAsync(sim, 100, 0x78);
            await events.WaitAsync(e => e is NoteRejected);
            await tx.EndAsync(CancellationToken.None);
            link = driver.LinkStatistics;
        }

        await stop.CancelAsync();
        try
        {
            await unit.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (OperationCanceledException)
        {
            // The unit stops mid-reply when cancelled.
        }

        var records = Samples.DecodeText(tap.Text, protocol: "id003");
        Assert.All(records, r => Assert.Equal(TraceRecordKind.Frame, r.Kind));
        Assert.All(records, r => Assert.Null(r.Error));

        // Should a reply still miss the window, the retransmission crosses it and the unit's frames arrive unasked for:
        // the driver counts each as a retransmission or a stale frame. Only those may be unpaired; with none, none may.
        var unpaired = records.Count(r => r.Direction == TraceDirection.Device && r.Name != "ECHO" && r.ReplyTo is null);
        Assert.True(unpaired <= link.Retransmissions + link.StaleFrames, $"{unpaired} unpaired replies, {link}");
        Assert.Equal(echoingAdapter, records.Any(r => r.Name == "ECHO"));
        Assert.DoesNotContain(records, r => r.Name.StartsWith("POWER_UP_WITH", StringComparison.Ordinal));
        var vendValid = records.First(r => r.Name == "VEND_VALID");
        Assert.InRange(records.Count(r => r.Name == "VEND_VALID"), 1, 1 + link.Retransmissions);
        Assert.Equal("ACK", records[records.ToList().IndexOf(vendValid) + 1].Name);
        Assert.Contains(records, r => r.Name == "ESCROW" && r.Detail == "0x66 = 500 INR");
        Assert.Contains(records, r => r.Name == "REJECTING" && r.Detail == "0x78 PHOTO_LEVEL_ERROR");
        Assert.Equal(1, events.Count<NoteCredited>());
    }

    private static async Task InsertAsync(Id003SimulatedValidator sim, long value, byte? reject)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (sim.Snapshot() is not { Phase: Id003SimulatorPhase.Ready, Inhibited: false, NoteValue: null })
        {
            Assert.True(DateTime.UtcNow < until, "acceptor never enabled");
            await Task.Delay(5);
        }

        Assert.True(sim.InsertNote(value, reject).Taken);
    }

    private sealed class Events : ICashAcceptorObserver
    {
        private readonly List<CashAcceptorEvent> _events = [];

        public int Count<T>()
        {
            lock (_events)
            {
                return _events.OfType<T>().Count();
            }
        }

        public ValueTask OnEventAsync(CashAcceptorEvent e, CancellationToken cancellationToken)
        {
            lock (_events)
            {
                _events.Add(e);
            }

            return ValueTask.CompletedTask;
        }

        public async Task WaitAsync(Func<CashAcceptorEvent, bool> match)
        {
            var until = DateTime.UtcNow.AddSeconds(20);
            while (true)
            {
                lock (_events)
                {
                    if (_events.Any(match))
                    {
                        return;
                    }
                }

                Assert.True(DateTime.UtcNow < until, "event never came");
                await Task.Delay(5);
            }
        }
    }
}
