using System.Globalization;
using Microsoft.Extensions.Logging;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Hal.Links;
using SevaKiosk.Protocol.Ssp;

namespace SevaKiosk.Hal.CashAcceptors.Ssp;

/// <summary>
/// Driver for ITL SSP/eSSP banknote validators (NV9, NV10, NV200 class) behind <see cref="ICashAcceptor"/>.
/// Credit is given only on NOTE CREDIT, with the value from the device's own channel table.
/// </summary>
/// <remarks>
/// SSP accepts a note in escrow on the next POLL, so while a decision is pending the driver does not poll: it renews
/// the hold with HOLD (which also restarts the device's 10 s escrow timer) until the handler answers, then either
/// polls (accept) or sends REJECT (return).
/// </remarks>
public sealed partial class SspCashAcceptor : PolledCashAcceptor
{
    private static readonly byte[] PollCommand = [(byte)SspCommand.Poll];
    private static readonly byte[] HoldCommand = [(byte)SspCommand.Hold];
    private readonly SspOptions _options;
    private readonly SspEvent[] _events = new SspEvent[64];
    private SspLink? _link;
    private SspSetupResponse? _setup;
    private string _serial = string.Empty;
    private string? _knownSerial;
    private int _protocolVersion;
    private bool _accepting;
    private bool _reading;
    private Note? _escrow;
    private Note? _accepted;
    private (Note Note, ReturnCause Cause)? _returning;

    public SspCashAcceptor(IByteLinkFactory link, SspOptions options, TimeProvider? time = null, ILogger<SspCashAcceptor>? logger = null)
        : base(link, options, time, logger)
    {
        _options = options;
    }

    /// <summary>A driver for the validator on serial port <paramref name="path"/> (8N2 unless <paramref name="settings"/> says otherwise).</summary>
    public static SspCashAcceptor OpenSerial(string path, SspOptions options, SerialSettings? settings = null, TimeProvider? time = null, ILogger<SspCashAcceptor>? logger = null) =>
        new(new SerialPortLinkFactory(path, settings ?? SerialSettings.Ssp), options, time, logger);

    /// <summary>Link counters for telemetry and diagnostics.</summary>
    public (long Retransmissions, long CrcErrors, long GarbageBytes, long EchoesSkipped) LinkStatistics =>
        _link is { } l ? (l.Retransmissions, l.CrcErrors, l.GarbageBytes, l.EchoesSkipped) : default;

    /// <summary>The SETUP REQUEST reply of the current connection (channel table, protocol version).</summary>
    public SspSetupResponse? Setup => _setup;

    protected override bool NoteInPath => _reading || _escrow is not null || _accepted is not null || _returning is not null || _creditedNotStacked is not null;

    protected override async Task ConnectAsync(Stream link, CancellationToken cancellationToken)
    {
        if (_link is { HasUnanswered: true } previous)
        {
            // The link died with a command unanswered. Ask again with the same sequence flag (and ciphertext) before
            // SYNC: the device repeats its reply, and a POLL reply may carry a credit that must not be lost.
            previous.Rebind(link);
            var command = previous.UnansweredCommand;
            if (await previous.RetryUnansweredAsync(cancellationToken).ConfigureAwait(false) is { } reply && command == (byte)SspCommand.Poll)
            {
                Logger.LogInformation("{Device}: recovered the reply to the POLL that was in flight when the link went", Name);
                await HandlePollReplyAsync(reply, cancellationToken).ConfigureAwait(false);
            }
        }

        _link?.Dispose();
        _link = new SspLink(link, _options.Address, Time, _options.ResponseTimeout, _options.Retries, Logger);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override void Released() => _link?.Dispose();

    protected override void Disconnected()
    {
        // The link object (sequence flag, keys, the unanswered packet) survives until the next connect.
        _accepting = false;
        _reading = false;

        // What was in escrow or stacking is settled by the device's own report when it comes back
        // (NOTE CREDIT, or NOTE CLEARED ... after a reset): keep _accepted so a late credit still matches.
        _escrow = null;
    }

    protected override async Task SetAcceptingAsync(bool accept, CancellationToken cancellationToken)
    {
        var reply = await CommandAsync(accept ? SspCommand.Enable : SspCommand.Disable, cancellationToken).ConfigureAwait(false);
        if (reply.Span[0] != (byte)SspGenericResponse.Ok)
        {
            throw new CashAcceptorException($"{Name}: {(accept ? "ENABLE" : "DISABLE")} answered {SspGenericResponseNames.Of(reply.Span[0])}.");
        }

        _accepting = accept;
        UpdateStatus(s => s with { Acceptor = accept ? (s.Acceptor is AcceptorState.Disabled or AcceptorState.Initialising or AcceptorState.Unknown ? AcceptorState.Idle : s.Acceptor) : AcceptorState.Disabled });
    }

    protected override async Task<CashAcceptorCounters> ReadCountersCoreAsync(CancellationToken cancellationToken)
    {
        var reply = await CommandAsync(SspCommand.GetCounters, cancellationToken).ConfigureAwait(false);
        try
        {
            var c = SspResponses.ParseCounters(reply.Span);
            return new CashAcceptorCounters(c.Stacked, c.Rejected, c.Stored, c.Dispensed, c.TransferredToStack);
        }
        catch (SspDecodeException ex)
        {
            throw new CashAcceptorException($"{Name}: GET COUNTERS failed: {ex.Message}", ex);
        }
    }

    protected override async Task PollAsync(CancellationToken cancellationToken)
    {
        var reply = await Link.ExchangeAsync(PollCommand, _link!.IsEncrypted, cancellationToken).ConfigureAwait(false);
        await HandlePollReplyAsync(reply, cancellationToken).ConfigureAwait(false);
    }

    private async Task HandlePollReplyAsync(ReadOnlyMemory<byte> reply, CancellationToken cancellationToken)
    {
        var result = SspPollParser.Parse(reply.Span, _protocolVersion, _events);
        if (result.Status == SspPollParseStatus.NotOk)
        {
            if (result.Code == (byte)SspGenericResponse.KeyNotSet)
            {
                Logger.LogWarning("{Device}: KEY NOT SET on POLL: the device reset and lost its keys; re-initialising", Name);
                await InitializeAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            throw new DeviceProtocolException($"POLL answered {SspGenericResponseNames.Of(result.Code)}");
        }

        var sawReset = false;
        var conditions = Conditions.None;
        for (var i = 0; i < result.Count; i++)
        {
            sawReset |= _events[i].Code == SspEventCode.SlaveReset;
            conditions |= await HandleAsync(_events[i], cancellationToken).ConfigureAwait(false);
        }

        ApplyConditions(conditions);
        if (!result.IsOk)
        {
            // Everything before the bad byte was handled (its lengths were known); nothing after it is guessed.
            var fault = CommonFaults.UnknownEvent;
            Faults.Raise(fault, result.Describe());
            FailSession(fault.Raise(Name, Time.GetUtcNow(), result.Describe()));
            throw new DeviceProtocolException($"{Name}: {result.Describe()}");
        }

        if (sawReset)
        {
            await PublishAsync(new DeviceReset(Time.GetUtcNow(), EventTransactionId, "SLAVE RESET: the validator rebooted"), cancellationToken).ConfigureAwait(false);
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_returning is null && _escrow is { } escrowed)
        {
            await DecideEscrowAsync(escrowed, cancellationToken).ConfigureAwait(false);
        }
        else if (ShouldAccept && !_accepting && Status.Acceptor != AcceptorState.Jammed)
        {
            await SetAcceptingAsync(true, cancellationToken).ConfigureAwait(false);
        }
    }

    private SspLink Link => _link ?? throw new DeviceLinkException("not connected");

    private async Task DecideEscrowAsync(Note note, CancellationToken cancellationToken)
    {
        var (decision, cause) = await DecideAsync(note, HoldAsync, cancellationToken).ConfigureAwait(false);
        if (decision == EscrowDecision.Accept)
        {
            // The handler journaled the intent; the next POLL is SSP's stack command.
            _accepted = note;
            _escrow = null;
            UpdateStatus(s => s with { Acceptor = AcceptorState.Stacking, InEscrow = null });
            return;
        }

        // From here the note is "returning", not "in escrow": left in _escrow, the poll that brings REJECTED would
        // find it still escrowed and decide (and journal) the same note a second time.
        _returning = (note, cause);
        _escrow = null;
        var reply = await CommandAsync(SspCommand.Reject, cancellationToken).ConfigureAwait(false);
        if (reply.Span[0] == (byte)SspGenericResponse.CommandCannotBeProcessed)
        {
            // The note is no longer in escrow (rejected by the device itself or pulled back): the events will say.
            Logger.LogWarning("{Device}: REJECT found no note in escrow", Name);
        }

        UpdateStatus(s => s with { Acceptor = AcceptorState.Returning });
    }

    private async Task HoldAsync(CancellationToken cancellationToken)
    {
        var reply = await Link.ExchangeAsync(HoldCommand, Link.IsEncrypted, cancellationToken).ConfigureAwait(false);
        if (reply.Span[0] != (byte)SspGenericResponse.Ok)
        {
            Logger.LogWarning("{Device}: HOLD answered {Response}", Name, SspGenericResponseNames.Of(reply.Span[0]));
        }
    }

    private async Task<ReadOnlyMemory<byte>> CommandAsync(SspCommand command, CancellationToken cancellationToken) =>
        await Link.ExchangeAsync(new[] { (byte)command }, Link.IsEncrypted, cancellationToken).ConfigureAwait(false);

    private Note NoteForChannel(byte channel)
    {
        var channels = _setup?.Channels;
        if (channel == 0 || channels is null || channel > channels.Count)
        {
            return new Note(channel, null);
        }

        var c = channels[channel - 1];
        return new Note(channel, new Money(c.Value, c.Currency));
    }

    private static string Hex(uint value) => value.ToString("D10", CultureInfo.InvariantCulture);
}
