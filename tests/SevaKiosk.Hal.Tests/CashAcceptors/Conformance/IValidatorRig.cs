using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.Tests.Support;

namespace SevaKiosk.Hal.Tests.CashAcceptors.Conformance;

/// <summary>A validator driver against its simulated device, as the protocol-neutral scenarios see it.</summary>
public interface IValidatorRig : IAsyncDisposable
{
    ICashAcceptor Acceptor { get; }

    VirtualClock Clock { get; }

    RecordingObserver Events { get; }

    /// <summary>Notes the simulated device has put into its cash box.</summary>
    int StackedNotes { get; }

    /// <summary>The device invites notes (enabled, master inhibit lifted).</summary>
    bool InvitesNotes { get; }

    Task<ICashInTransaction> BeginAsync(ICashInHandler? handler = null, CashInRequest? request = null);

    /// <summary>A citizen inserts a genuine note once the device invites one and its path is empty.</summary>
    Task InsertAsync(decimal value);

    /// <summary>The device goes silent (cable pulled) the moment a note reaches its credit point, before the driver
    /// has read that. Returns when that happened (null until it has).</summary>
    Func<DateTimeOffset?> SilenceAtCreditPoint();

    /// <summary>Ends the silence.</summary>
    void Speak();
}
