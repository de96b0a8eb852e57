using Microsoft.Extensions.Logging;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Hal.Links;
using SevaKiosk.Protocol.Id003;

namespace SevaKiosk.Hal.CashAcceptors.Id003;

/// <summary>What the unit said about itself at start-up.</summary>
/// <param name="Version">The VERSION REQUEST (0x88) reply.</param>
/// <param name="BootVersion">The BOOT VERSION REQUEST (0x89) reply.</param>
/// <param name="CurrencyTable">Every slot of the CURRENCY ASSIGN (0x8A) reply, as the unit sent it.</param>
public sealed record Id003Identity(Id003VersionInfo Version, string BootVersion, IReadOnlyList<Id003Denomination> CurrencyTable);

/// <summary>
/// Driver for JCM ID-003 banknote validators (iVIZION, UBA, WBA, EBA, DBV) behind <see cref="ICashAcceptor"/>.
/// Credit is given only when the unit reports VEND VALID and our ACK has gone out, once per note, with the value
/// from the unit's own currency table.
/// </summary>
/// <remarks>
/// ID-003 reports one status per STATUS REQUEST, so the note's journey is read off the sequence of statuses:
/// ESCROW → (HOLD while the handler decides) → STACK → STACKING → VEND VALID (ACK, credit) → STACKED. Every decision
/// survives a reconnect: a STACK that did not take is sent again, never re-decided, and a VEND VALID repeated because
/// our ACK was lost is acknowledged again but never credited twice.
/// </remarks>
public sealed partial class Id003CashAcceptor : PolledCashAcceptor
{
    private static readonly CashAcceptorCounters NoCounters = new(null, null, null, null, null);
    private readonly Id003Options _options;
    private readonly Id003Link _link;
    private Dictionary<byte, Money> _values = [];
    private readonly string _serial;

    // The note's journey. These survive a lost link: the unit keeps the note and finishes what it was told.
    private Note? _escrow;
    private Note? _accepted;
    private bool _stackTaken;
    private bool _stackInterrupted;
    private (Note Note, ReturnCause Cause)? _returning;
    private Note? _creditedNotStacked;

    // What the unit said last, for edge-triggered events (a rejection is reported once however many polls it lasts).
    private byte _lastStatus;
    private byte _lastRejectCode;
    private byte? _powerUpReconciled;
    private bool? _inhibited;
    private bool _initializing;

    public Id003CashAcceptor(IByteLinkFactory link, Id003Options options, TimeProvider? time = null, ILogger<Id003CashAcceptor>? logger = null)
        : base(link, options, time, logger)
    {
        options.ValidateId003();
        _options = options;
        _serial = options.SerialNumber ?? string.Empty;
        _link = new Id003Link(Time, options.ResponseTimeout, options.Retries, options.Echo, Logger);
    }

    /// <summary>A driver for the validator on serial port <paramref name="path"/> (9600 8E1 unless <paramref name="settings"/> says otherwise).</summary>
    public static Id003CashAcceptor OpenSerial(string path, Id003Options options, SerialSettings? settings = null, TimeProvider? time = null, ILogger<Id003CashAcceptor>? logger = null) =>
        new(new SerialPortLinkFactory(path, settings ?? SerialSettings.Id003), options, time, logger);

    /// <summary>Link counters for telemetry and diagnostics.</summary>
    public Id003LinkStatistics LinkStatistics => _link.Statistics;

    /// <summary>Whether the adapter echoes our bytes, as configured or learned on this connection (null: not known yet).</summary>
    public bool? AdapterEchoes => _link.AdapterEchoes;

    /// <summary>Version, boot version and currency table of the current connection.</summary>
    public Id003Identity? Identity { get; private set; }

    protected override bool NoteInPath =>
        _escrow is not null || _accepted is not null || _returning is not null || _creditedNotStacked is not null
        || (IsNoteMoving(_lastStatus) && _lastStatus != (byte)Id003Status.Stacked);

    protected override async Task ConnectAsync(Stream link, CancellationToken cancellationToken)
    {
        _link.Attach(link);
        await _link.ProbeEchoAsync(cancellationToken).ConfigureAwait(false);
        var first = await FirstStatusAsync(cancellationToken).ConfigureAwait(false);
        await InitializeAsync(first, cancellationToken).ConfigureAwait(false);
    }

    protected override void Disconnected()
    {
        _link.Detach();
        _inhibited = null;

        // A decision in progress was abandoned with the link; the unit reports the note again (or returns it).
        _escrow = null;
    }

    protected override async Task PollAsync(CancellationToken cancellationToken)
    {
        var reply = await _link.ExchangeAsync(Id003Command.StatusRequest, cancellationToken).ConfigureAwait(false);
        await HandleStatusAsync(reply, cancellationToken).ConfigureAwait(false);
    }

    protected override async Task SetAcceptingAsync(bool accept, CancellationToken cancellationToken)
    {
        await SettingAsync(Id003Command.SetInhibit, [Id003Commands.InhibitData(!accept)], cancellationToken).ConfigureAwait(false);
        _inhibited = !accept;
        UpdateStatus(s => s with
        {
            Acceptor = accept
                ? (s.Acceptor is AcceptorState.Disabled or AcceptorState.Initialising or AcceptorState.Unknown ? AcceptorState.Idle : s.Acceptor)
                : (s.Acceptor is AcceptorState.Idle or AcceptorState.Initialising or AcceptorState.Unknown ? AcceptorState.Disabled : s.Acceptor),
        });
    }

    /// <summary>ID-003 has no counter commands: every counter is null (the cash-box accounting keeps its own).</summary>
    protected override Task<CashAcceptorCounters> ReadCountersCoreAsync(CancellationToken cancellationToken) => Task.FromResult(NoCounters);

    private Note NoteFor(byte escrowCode) =>
        new(escrowCode, _values.TryGetValue(escrowCode, out var value) ? value : null);

    /// <summary>A setting command whose echo must repeat command and data byte for byte.</summary>
    private async Task SettingAsync(Id003Command command, byte[] data, CancellationToken cancellationToken)
    {
        var reply = await _link.ExchangeAsync(command, data, cancellationToken).ConfigureAwait(false);
        if (reply.Code != (byte)command || !reply.Data.SequenceEqual(data))
        {
            var sent = Id003Names.Describe(Id003Direction.HostToAcceptor, (byte)command, data);
            throw new DeviceProtocolException(reply.Code == (byte)Id003Status.InvalidCommand
                ? $"the validator refused {sent} with INVALID_COMMAND"
                : $"{sent} was echoed as {reply.Describe()}");
        }
    }

    /// <summary>A request whose reply carries the same code and the requested data.</summary>
    private async Task<Id003Reply> RequestAsync(Id003Command command, CancellationToken cancellationToken)
    {
        var reply = await _link.ExchangeAsync(command, cancellationToken).ConfigureAwait(false);
        return reply.Code == (byte)command
            ? reply
            : throw new DeviceProtocolException($"{Id003Names.Command((byte)command)} answered {reply.Describe()}");
    }

    /// <summary>
    /// An operation command (STACK, RETURN). Its ACK is advisory: the next status says what happened. Returns true
    /// when the unit acknowledged it.
    /// </summary>
    private async Task<bool> OperateAsync(Id003Command command, CancellationToken cancellationToken)
    {
        var reply = await _link.ExchangeAsync(command, cancellationToken).ConfigureAwait(false);
        if (reply.Code == (byte)Id003Status.Ack)
        {
            return true;
        }

        // INVALID COMMAND: the note left escrow on its own, or a retransmission reached a unit that had already
        // obeyed the first copy. Either way the unit's statuses settle it.
        Logger.LogWarning("{Device}: {Command} answered {Reply}; following the unit's status", Name, Id003Names.Command((byte)command), reply.Describe());
        return false;
    }

    /// <summary>The note told to stack (or none), with what is known of its way into the stacker reset.</summary>
    private void Accepted(Note? note)
    {
        _accepted = note;
        _stackTaken = false;
        _stackInterrupted = false;
    }

    private Task<Id003Reply> PollStatusAsync(CancellationToken cancellationToken) =>
        _link.ExchangeAsync(Id003Command.StatusRequest, cancellationToken).AsTask();

    /// <summary>Statuses during which a note is on its way through the unit.</summary>
    private static bool IsNoteMoving(byte status) => (Id003Status)status is Id003Status.Accepting or Id003Status.Escrow
        or Id003Status.Holding or Id003Status.Stacking or Id003Status.VendValid or Id003Status.Stacked
        or Id003Status.Rejecting or Id003Status.Returning;
}
