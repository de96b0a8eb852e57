using SevaKiosk.Protocol.Mqtt;
using SevaKiosk.Tools.Fleet;
using SevaKiosk.Tools.Fleet.Faults;

namespace SevaKiosk.Fleet.Tests.Faults;

/// <summary>Counters and "active now" from a machine's fault events, with and without the reported list.</summary>
public sealed class FaultSummaryTests
{
    private static readonly DateTimeOffset T = new(2026, 3, 10, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Without_a_reported_list_the_last_event_of_each_fault_decides_what_is_active()
    {
        FaultMessage[] newestFirst =
        [
            Event("printer.paper.end", active: true, T.AddMinutes(5)),
            Event("validator.jam.unsafe", active: false, T.AddMinutes(4)),
            Event("printer.paper.end", active: false, T.AddMinutes(3)),
            Event("validator.jam.unsafe", active: true, T.AddMinutes(2)),
            Event("printer.paper.end", active: true, T.AddMinutes(1)),
        ];

        var summary = FaultSummary.Build(new StoredMachine("m-1", null, "1.4.2"), "m-1", newestFirst, reported: null);

        Assert.Null(summary.ActiveAsOf);
        Assert.Equal(["printer.paper.end"], summary.Active.Select(f => f.Code));
        var paper = summary.Counters[0];
        Assert.Equal(("printer.paper.end", 2, 1, true, T.AddMinutes(5), T.AddMinutes(3)), (paper.Code, paper.Raised, paper.Cleared, paper.ActiveNow, paper.LastRaised, paper.LastCleared));
        Assert.Equal(("validator.jam.unsafe", 1, 1, false), (summary.Counters[1].Code, summary.Counters[1].Raised, summary.Counters[1].Cleared, summary.Counters[1].ActiveNow));
    }

    [Fact]
    public void A_reported_list_wins_and_a_fault_active_without_any_stored_event_still_gets_a_counter()
    {
        var summary = FaultSummary.Build(
            null, "m-1", [Event("printer.paper.end", active: true, T)], reported: ([Event("io.door.open", active: true, T.AddMinutes(1))], T.AddMinutes(2)));

        Assert.Equal(T.AddMinutes(2), summary.ActiveAsOf);
        Assert.Equal(["io.door.open"], summary.Active.Select(f => f.Code));
        Assert.Equal([("io.door.open", true, 0), ("printer.paper.end", false, 1)], summary.Counters.Select(c => (c.Code, c.ActiveNow, c.Raised)));
    }

    private static FaultMessage Event(string code, bool active, DateTimeOffset at) => new()
    {
        MachineId = "m-1",
        Device = code.Split('.')[0],
        Code = code,
        Severity = "error",
        Action = "operator-can-clear",
        Active = active,
        Message = code,
        Stamp = new MachineStamp("boot-1", (long)(at - T).TotalMilliseconds, at, true),
    };
}
