using System.Collections.Concurrent;
using SevaKiosk.Firmware.Engine;
using SevaKiosk.Firmware.Journal;

namespace SevaKiosk.Firmware.Tests.Engine.Support;

/// <summary>
/// A citizen at the kiosk, as a script: answers the bill and receipt questions, and once the screen invites notes,
/// feeds them into the simulated validator one at a time (waiting, as a person does, for the bezel to light and for
/// each note to be taken or handed back), then does what the test says: presses Done or Cancel, triggers a device
/// fault, or just walks away. Records every message the screen showed.
/// </summary>
internal sealed class ScriptedCitizen : ICitizenInterface
{
    private readonly EngineRig _rig;
    private readonly List<Func<Task>> _steps = [];
    private readonly Dictionary<string, Action<KioskMessage>> _reactions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<KioskMessage> _messages = new();
    private readonly TaskCompletionSource<CitizenAction> _action = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _script;

    public ScriptedCitizen(EngineRig rig)
    {
        _rig = rig;
    }

    public bool ConfirmsBill { get; init; } = true;

    /// <summary>Asked only when the printer cannot print.</summary>
    public bool AcceptsReceiptReference { get; init; } = true;

    public BillDetails? BillShown { get; private set; }

    public bool AskedAboutReceipt { get; private set; }

    public IReadOnlyList<KioskMessage> Messages => [.. _messages];

    /// <summary>The cash-in script (completed if cash-in never started); faults inside it surface here.</summary>
    public Task Script => _script ?? Task.CompletedTask;

    public KioskMessage Shown(string code) =>
        Messages.FirstOrDefault(m => m.Code == code) ?? throw new Xunit.Sdk.XunitException($"The screen never showed '{code}'; it showed: {string.Join(" | ", Messages.Select(m => $"[{m.Code}] {m.Text}"))}");

    /// <summary>Inserts each note once the validator invites one, and waits until it is credited or handed back.</summary>
    public ScriptedCitizen Inserts(params long[] notes)
    {
        foreach (var note in notes)
        {
            _steps.Add(() => _rig.InsertAsync(note));
        }

        return this;
    }

    public ScriptedCitizen Then(Func<Task> step)
    {
        _steps.Add(step);
        return this;
    }

    public ScriptedCitizen Then(Action step) => Then(() =>
    {
        step();
        return Task.CompletedTask;
    });

    public ScriptedCitizen Presses(CitizenAction action) => Then(() => _action.TrySetResult(action));

    /// <summary>Does <paramref name="reaction"/> the moment the screen shows <paramref name="code"/> (before the engine goes on).</summary>
    public ScriptedCitizen On(string code, Action<KioskMessage> reaction)
    {
        _reactions[code] = reaction;
        return this;
    }

    /// <summary>Something that happens while the citizen reads the bill (the machine's state can change meanwhile).</summary>
    public Func<Task>? WhileReadingBill { get; init; }

    public async ValueTask<bool> ConfirmBillAsync(BillDetails bill, CancellationToken cancellationToken)
    {
        BillShown = bill;
        if (WhileReadingBill is { } happening)
        {
            await happening().ConfigureAwait(false);
        }

        return ConfirmsBill;
    }

    public ValueTask<bool> AcceptReceiptReferenceAsync(CancellationToken cancellationToken)
    {
        AskedAboutReceipt = true;
        return ValueTask.FromResult(AcceptsReceiptReference);
    }

    public ValueTask ShowAsync(KioskMessage message, CancellationToken cancellationToken)
    {
        _messages.Enqueue(message);
        if (_reactions.TryGetValue(message.Code, out var reaction))
        {
            reaction(message);
        }

        if (message.Code == "insert-notes" && _script is null)
        {
            _script = Task.Run(RunScriptAsync, CancellationToken.None);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Completes when the script presses a button; a citizen who walks away never does.</summary>
    public Task<CitizenAction> WaitForActionAsync(CancellationToken cancellationToken) => _action.Task.WaitAsync(cancellationToken);

    private async Task RunScriptAsync()
    {
        foreach (var step in _steps)
        {
            await step().ConfigureAwait(false);
        }
    }
}
