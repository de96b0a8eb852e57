using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Hal.Tests.Support;

namespace SevaKiosk.Hal.Tests.CashAcceptors.Conformance;

/// <summary>
/// The cash-in scenarios every validator driver must pass the same way through <see cref="ICashAcceptor"/>, so the
/// firmware can rely on identical behaviour whatever protocol is fitted. One derived class per protocol supplies its
/// driver against its simulator; protocol-specific flows stay in that protocol's own tests.
/// </summary>
public abstract class CashInConformanceTests
{
    protected abstract Task<IValidatorRig> StartAsync();

    [Fact]
    public async Task Cash_in_of_850_credits_each_note_exactly_once_at_the_devices_credit_point()
    {
        await using var rig = await StartAsync();
        var tx = await rig.BeginAsync();

        foreach (var value in new decimal[] { 500, 200, 100, 50 })
        {
            await rig.InsertAsync(value);
            await rig.Events.WaitForAsync<NoteCredited>(c => c.Note.Value == Money.Inr(value));
        }

        var result = await tx.EndAsync(CancellationToken.None);

        Assert.Equal(CashInOutcome.Ended, result.Outcome);
        Assert.Equal(Money.Inr(850), result.Total);
        Assert.Equal([500m, 200m, 100m, 50m], result.Credited.Select(c => c.Note.Value!.Value.Amount));
        Assert.Equal([1L, 2, 3, 4], result.Credited.Select(c => c.Sequence));
        Assert.All(result.Credited, c => Assert.Equal(tx.Id, c.TransactionId));
        Assert.All(result.Credited, c => Assert.Equal(rig.Acceptor.Capabilities!.SerialNumber, c.DeviceSerial));
        Assert.Equal(4, rig.Events.Of<NoteCredited>().Count);
        Assert.Equal(4, rig.StackedNotes);
        Assert.False(rig.InvitesNotes);
    }

    [Fact]
    public async Task Returned_note_goes_back_with_no_credit()
    {
        await using var rig = await StartAsync();
        var tx = await rig.BeginAsync(ScriptedHandler.ReturnAll);

        await rig.InsertAsync(500);
        var returned = await rig.Events.WaitForAsync<NoteReturned>();
        var returnedAt = rig.Clock.Elapsed;
        var result = await tx.EndAsync(CancellationToken.None);

        Assert.Equal(ReturnCause.Decision, returned.Cause);
        Assert.Equal(Money.Inr(500), returned.Note.Value);
        Assert.Empty(rig.Events.Of<NoteCredited>());
        Assert.Equal(0, rig.StackedNotes);

        // One note, one escrow, one return: a returned note is never decided (or journaled) twice, and the path is
        // empty afterwards, so ending the cash-in does not wait out the settle time.
        Assert.Single(rig.Events.Of<NoteEscrowed>());
        Assert.Single(rig.Events.Of<NoteReturned>());
        Assert.Equal(CashInOutcome.Ended, result.Outcome);
        Assert.True(rig.Clock.Elapsed - returnedAt < TimeSpan.FromSeconds(5), $"ending took {rig.Clock.Elapsed - returnedAt} after the return");
    }

    [Fact]
    public async Task A_slow_decision_keeps_the_note_held_past_the_devices_10_s_escrow_timeout()
    {
        await using var rig = await StartAsync();
        var handler = new ScriptedHandler(async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(25), rig.Clock, ct);
            return EscrowDecision.Accept;
        });
        await rig.BeginAsync(handler, new CashInRequest("INR", DecisionTimeout: TimeSpan.FromSeconds(60)));

        await rig.InsertAsync(200);
        var credit = await rig.Events.WaitForAsync<NoteCredited>();

        Assert.Equal(Money.Inr(200), credit.Note.Value);
        Assert.Empty(rig.Events.Of<NoteReturned>());
        Assert.True(rig.Clock.Elapsed > TimeSpan.FromSeconds(25));
    }

    [Fact]
    public async Task A_decision_that_never_comes_returns_the_note_as_timed_out()
    {
        await using var rig = await StartAsync();
        var handler = new ScriptedHandler(async (_, ct) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return EscrowDecision.Accept;
        });
        await rig.BeginAsync(handler, new CashInRequest("INR", DecisionTimeout: TimeSpan.FromSeconds(15)));

        await rig.InsertAsync(100);
        var returned = await rig.Events.WaitForAsync<NoteReturned>();

        Assert.Equal(ReturnCause.Timeout, returned.Cause);
        Assert.Empty(rig.Events.Of<NoteCredited>());
        Assert.Equal(0, rig.StackedNotes);
    }

    [Fact]
    public async Task Limits_return_a_note_without_asking_the_handler()
    {
        await using var rig = await StartAsync();
        var handler = new ScriptedHandler((_, _) => Task.FromResult(EscrowDecision.Accept));
        await rig.BeginAsync(handler, new CashInRequest("INR", MaxAmount: 100));

        await rig.InsertAsync(500);
        var returned = await rig.Events.WaitForAsync<NoteReturned>();

        Assert.Equal(ReturnCause.Limit, returned.Cause);
        Assert.Equal(0, handler.Calls);
        Assert.Empty(rig.Events.Of<NoteCredited>());
    }

    [Fact]
    public async Task Rollback_returns_the_note_in_escrow_and_keeps_credited_notes_credited()
    {
        await using var rig = await StartAsync();
        var second = new TaskCompletionSource();
        var tx = await rig.BeginAsync(new ScriptedHandler(async (note, ct) =>
        {
            if (note.NotesSoFar == 0)
            {
                return EscrowDecision.Accept;
            }

            second.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return EscrowDecision.Accept;
        }), new CashInRequest("INR", DecisionTimeout: TimeSpan.FromMinutes(5)));

        await rig.InsertAsync(500);
        await rig.Events.WaitForAsync<NoteCredited>();
        await rig.InsertAsync(200);
        await second.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var result = await tx.RollbackAsync(CancellationToken.None);

        Assert.Equal(CashInOutcome.RolledBack, result.Outcome);
        Assert.Equal(Money.Inr(500), result.Total);
        var returned = Assert.Single(result.Returned);
        Assert.Equal(ReturnCause.Rollback, returned.Cause);
        Assert.Equal(Money.Inr(200), returned.Note.Value);
        Assert.Equal(1, rig.StackedNotes);
    }

    [Fact]
    public async Task A_silent_device_is_offline_within_1_s_and_comes_back_without_losing_or_repeating_the_credit()
    {
        await using var rig = await StartAsync();
        var tx = await rig.BeginAsync();
        var silentAt = rig.SilenceAtCreditPoint();

        await rig.InsertAsync(500);
        await Eventually.Holds(() => rig.Acceptor.State == DeviceState.Offline, "offline");
        var offline = rig.Acceptor.ActiveFaults.Single(f => f.Code == "validator.offline");
        Assert.True(offline.RaisedAt - silentAt()!.Value <= TimeSpan.FromSeconds(1), $"offline after {offline.RaisedAt - silentAt()}");
        Assert.Empty(rig.Events.Of<NoteCredited>());

        rig.Speak();
        var credit = await rig.Events.WaitForAsync<NoteCredited>();
        await Eventually.Holds(() => rig.Acceptor.State == DeviceState.Online, "online");
        await Task.Delay(300);

        Assert.Equal(Money.Inr(500), credit.Note.Value);
        Assert.Equal(tx.Id, credit.TransactionId);
        Assert.Single(rig.Events.Of<NoteCredited>());
        Assert.Empty(rig.Events.Of<NoteClearedAtPowerUp>());
        Assert.Equal(1, rig.StackedNotes);
        Assert.Equal(CashInOutcome.Faulted, (await tx.Completion).Outcome);
    }
}
