using SevaKiosk.Firmware.Engine;
using SevaKiosk.Firmware.Journal;
using SevaKiosk.Simulator.Devices.Validators.Ssp;

namespace SevaKiosk.Firmware.Demo;

/// <summary>
/// A virtual citizen at the simulated kiosk: confirms the bill, then feeds notes into the simulated validator one at
/// a time as the bezel invites them, and narrates what the screen says.
/// </summary>
public sealed class DemoCitizen : ICitizenInterface
{
    private readonly SimulatedSspValidator? _validator;
    private readonly IReadOnlyList<long> _notes;
    private readonly TextWriter _out;
    private readonly TimeProvider _time;
    private readonly TimeSpan _pace;
    private Task? _feeding;

    /// <param name="pace">How often the citizen looks at the bezel (default 50 ms); soak runs look more often.</param>
    public DemoCitizen(SimulatedSspValidator? validator, IReadOnlyList<long> notes, TextWriter output, TimeProvider time, TimeSpan? pace = null)
    {
        _validator = validator;
        _notes = notes;
        _out = output;
        _time = time;
        _pace = pace ?? TimeSpan.FromMilliseconds(50);
    }

    public ValueTask<bool> ConfirmBillAsync(BillDetails bill, CancellationToken cancellationToken)
    {
        _out.WriteLine($"  Bill: {bill.BillerName}, consumer {bill.ConsumerNumber} ({bill.ConsumerName}), bill {bill.BillNumber}, due {bill.DueDate:yyyy-MM-dd}: {bill.AmountDue} ({bill.Rule})");
        _out.WriteLine("  Citizen confirms and pays in cash.");
        return ValueTask.FromResult(true);
    }

    public ValueTask<bool> AcceptReceiptReferenceAsync(CancellationToken cancellationToken)
    {
        _out.WriteLine("  The printer cannot print; the citizen accepts a receipt reference instead.");
        return ValueTask.FromResult(true);
    }

    public ValueTask ShowAsync(KioskMessage message, CancellationToken cancellationToken)
    {
        _out.WriteLine($"  Screen [{message.Code}]: {message.Text}");
        if (message.Code == "insert-notes" && _validator is null)
        {
            _out.WriteLine($"  Citizen is asked for {string.Join(", ", _notes.Select(n => "₹" + n))} at the validator.");
        }
        else if (message.Code == "insert-notes")
        {
            _feeding = Task.Run(() => FeedAsync(cancellationToken), cancellationToken);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The demo citizen never presses Cancel; cash-in ends when the bill is paid.</summary>
    public Task<CitizenAction> WaitForActionAsync(CancellationToken cancellationToken) =>
        Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => CitizenAction.Cancel, TaskScheduler.Default);

    /// <summary>Completes when every note has been offered.</summary>
    public Task Fed => _feeding ?? Task.CompletedTask;

    private async Task FeedAsync(CancellationToken cancellationToken)
    {
        var validator = _validator!;
        foreach (var note in _notes)
        {
            while (true)
            {
                var status = validator.Status;
                if (status is { Enabled: true, NotePhase: null, Booting: false })
                {
                    var result = validator.InsertNote(note);
                    if (result.Taken)
                    {
                        _out.WriteLine($"  Citizen inserts ₹{note}.");
                        break;
                    }
                }

                await Task.Delay(_pace, _time, cancellationToken).ConfigureAwait(false);
            }

            // Wait for this note to leave the path (stacked or handed back) before the next one.
            await Task.Delay(_pace * 2, _time, cancellationToken).ConfigureAwait(false);
            while (validator.Status.NotePhase is not null)
            {
                await Task.Delay(_pace, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
