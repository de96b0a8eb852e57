using System.Text.Json.Nodes;
using Nerdbank.Streams;
using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.CashAcceptors.CcTalk;
using SevaKiosk.Hal.Links;
using SevaKiosk.Hal.Tests.CashAcceptors.Conformance;
using SevaKiosk.Hal.Tests.Support;
using SevaKiosk.Simulator.Devices.Validators.CcTalk;

namespace SevaKiosk.Hal.Tests.CashAcceptors.CcTalk;

/// <summary>The ccTalk driver against the simulated bill validator over an in-process duplex pipe, in virtual time.</summary>
internal sealed class CcTalkRig : ValidatorRig<CcTalkCashAcceptor, CcTalkValidatorSimulator>
{
    private CcTalkRig(VirtualClock clock, CcTalkValidatorSimulator sim, CcTalkCashAcceptor driver, Stream deviceEnd)
        : base(clock, sim, driver, deviceEnd)
    {
    }

    /// <summary>The simulator's status record, as its JSON control would print it.</summary>
    public JsonObject Status => Sim.Status();

    public int CashboxCount => (int)Status["cashboxCount"]!;

    public override int StackedNotes => CashboxCount;

    public override bool InvitesNotes => (bool)Status["accepting"]!;

    protected override string CreditPointEvent => "BILL_CREDIT";

    /// <param name="line">Wraps the device's end of the line (to doctor what the device sends, for example).</param>
    public static async Task<CcTalkRig> StartAsync(
        CcTalkValidatorOptions? device = null, CcTalkOptions? driver = null, bool start = true, ICashAcceptorObserver? observer = null, Func<Stream, Stream>? line = null)
    {
        var clock = new VirtualClock().Start();
        var (host, deviceEnd) = FullDuplexStream.CreatePair();
        deviceEnd = line?.Invoke(deviceEnd) ?? deviceEnd;
        var sim = new CcTalkValidatorSimulator(device ?? new CcTalkValidatorOptions(), clock);
        var acceptor = new CcTalkCashAcceptor(StreamLinkFactory.Fixed(host), driver ?? new CcTalkOptions(), clock);
        var rig = new CcTalkRig(clock, sim, acceptor, deviceEnd);
        if (start)
        {
            await rig.StartDriverAsync(observer);
        }

        return rig;
    }

    public override Task InsertAsync(decimal value) => InsertAsync(value, null);

    /// <summary>Inserts a bill once master inhibit is lifted and the path is empty (a citizen waits for the bezel).</summary>
    public async Task InsertAsync(decimal value, CcTalkRejectReason? reject)
    {
        await Eventually.Holds(IsReady, "validator accepting with an empty path");
        Sim.Insert(value, reject);
    }

    public bool IsReady()
    {
        var s = Status;
        return (bool)s["accepting"]! && s["escrow"] is null && s["moving"] is null;
    }

    protected override void SetSilent(bool silent) => Sim.Silent = silent;
}
