using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Tools.Fleet.Faults;

/// <summary>Raised and cleared counts of one fault code on one device, and whether it is active now.</summary>
internal sealed record FaultCounter(
    string Device, string Code, string Severity, string Action, int Raised, int Cleared, bool ActiveNow, DateTimeOffset? LastRaised, DateTimeOffset? LastCleared);

/// <summary>
/// A machine's faults: what is active now (the newest retained reported state is authoritative when the machine sends
/// one; otherwise the last event per fault decides), counters per device and code, and the event history, newest first.
/// </summary>
/// <param name="ActiveAsOf">Stamp of the reported state the active list comes from; null when it was derived from the events.</param>
internal sealed record FaultSummary(
    string MachineId, MachineLocation? Location, string? Firmware, IReadOnlyList<FaultMessage> Active, DateTimeOffset? ActiveAsOf, IReadOnlyList<FaultCounter> Counters, IReadOnlyList<FaultMessage> History)
{
    public static FaultSummary Build(StoredMachine? machine, string machineId, IReadOnlyList<FaultMessage> history, (IReadOnlyList<FaultMessage> Faults, DateTimeOffset AsOf)? reported)
    {
        // History is newest first: without a reported list, the first event seen per fault is its current state.
        var active = reported is { } r
            ? r.Faults
            : history.GroupBy(f => (f.Device, f.Code)).Select(g => g.First()).Where(f => f.Active).ToList();

        var activeKeys = active.Select(f => (f.Device, f.Code)).ToHashSet();
        var counters = history
            .GroupBy(f => (f.Device, f.Code))
            .Select(g => new FaultCounter(
                g.Key.Device,
                g.Key.Code,
                g.First().Severity,
                g.First().Action,
                g.Count(f => f.Active),
                g.Count(f => !f.Active),
                activeKeys.Contains(g.Key),
                g.Where(f => f.Active).Select(f => (DateTimeOffset?)f.Stamp.Wall).FirstOrDefault(),
                g.Where(f => !f.Active).Select(f => (DateTimeOffset?)f.Stamp.Wall).FirstOrDefault()))
            .Concat(active.Where(f => !history.Any(h => h.Device == f.Device && h.Code == f.Code))
                .Select(f => new FaultCounter(f.Device, f.Code, f.Severity, f.Action, 0, 0, true, null, null)))
            .OrderByDescending(c => c.ActiveNow)
            .ThenByDescending(c => c.Raised)
            .ThenBy(c => c.Code, StringComparer.Ordinal)
            .ToList();
        return new FaultSummary(machineId, machine?.Location, machine?.Firmware, active, reported?.AsOf, counters, history);
    }
}
