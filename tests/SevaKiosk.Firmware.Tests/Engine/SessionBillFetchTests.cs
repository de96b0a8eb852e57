using SevaKiosk.Firmware.Journal;
using SevaKiosk.Firmware.Tests.Engine.Support;

namespace SevaKiosk.Firmware.Tests.Engine;

/// <summary>The bill cannot be fetched, or there is none: a clean message, and cash-in never starts.</summary>
[Collection(VirtualTimeCollection.Name)]
public sealed class SessionBillFetchTests
{
    public enum FetchFailure
    {
        TimesOut,
        NeverAnswers,
        Breaks,
    }

    [Fact]
    public async Task An_unknown_consumer_number_gets_a_clean_message_and_no_cash_in()
    {
        await using var rig = await EngineRig.StartAsync();
        var citizen = rig.Citizen().Inserts(500);

        var outcome = await rig.RunAsync(citizen, consumer: "999999999999");

        Assert.Equal((SessionState.Cancelled, "consumer-not-found"), (outcome.State, outcome.Outcome));
        Assert.Equal("No electricity bill for 999999999999.", citizen.Shown("consumer-not-found").Text);
        Assert.Null(citizen.BillShown);
        Assert.Equal(["999999999999"], rig.Backend.Fetches);
        Assert.Equal(["SESSION_OPENED", "SESSION_CLOSED"], rig.Events(outcome.SessionId));
        SessionReadinessTests.AssertNoCashTaken(rig, outcome);
    }

    [Theory]
    [InlineData(FetchFailure.TimesOut, "backend-unreachable")]
    [InlineData(FetchFailure.NeverAnswers, "backend-unreachable")]
    [InlineData(FetchFailure.Breaks, "bill-fetch-failed")]
    public async Task A_bill_fetch_that_fails_gets_a_clean_message_and_no_cash_in(FetchFailure failure, string code)
    {
        await using var rig = await EngineRig.StartAsync();
        rig.Backend.OnFetch = failure switch
        {
            FetchFailure.TimesOut => _ => Task.FromException<BillDetails?>(new TimeoutException("no answer on bill/fetch")),
            FetchFailure.NeverAnswers => ScriptedBackend.HangAsync<BillDetails?>,
            _ => _ => Task.FromException<BillDetails?>(new FormatException("bill/fetch reply is not valid JSON")),
        };
        var citizen = rig.Citizen().Inserts(500);
        var ended = 0;
        rig.Engine.SessionEnded += (_, _) => ended++;

        var outcome = await rig.RunAsync(citizen);

        Assert.Equal((SessionState.Failed, code), (outcome.State, outcome.Outcome));
        Assert.Equal(1, ended);
        Assert.Equal("The bill could not be fetched; please try later.", citizen.Shown(code).Text);
        Assert.Null(citizen.BillShown);
        Assert.Equal(["SESSION_OPENED", "SESSION_CLOSED"], rig.Events(outcome.SessionId));
        SessionReadinessTests.AssertNoCashTaken(rig, outcome);
        if (failure == FetchFailure.NeverAnswers)
        {
            Assert.True(rig.Clock.Elapsed >= rig.Options.BackendTimeout, $"gave up after {rig.Clock.Elapsed}");
        }

        // The kiosk stays in service: the next citizen can try again.
        Assert.True(rig.Service.InService);
    }

    [Fact]
    public async Task A_citizen_who_declines_the_bill_is_not_asked_for_cash()
    {
        await using var rig = await EngineRig.StartAsync();
        var citizen = new ScriptedCitizen(rig) { ConfirmsBill = false }.Inserts(500);

        var outcome = await rig.RunAsync(citizen);

        Assert.Equal((SessionState.Cancelled, "declined"), (outcome.State, outcome.Outcome));
        Assert.NotNull(citizen.BillShown);
        Assert.Equal(["SESSION_OPENED", "BILL_FETCHED", "SESSION_CLOSED"], rig.Events(outcome.SessionId));
        SessionReadinessTests.AssertNoCashTaken(rig, outcome);
    }
}
