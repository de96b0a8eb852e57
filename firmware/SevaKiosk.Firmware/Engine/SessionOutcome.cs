using SevaKiosk.Firmware.Journal;
using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Firmware.Engine;

/// <summary>How a citizen's session ended, for the screen, the logs and the demo's summary line.</summary>
public sealed record SessionOutcome(
    string SessionId,
    SessionState State,
    string Outcome,
    string? Message,
    BillDetails? Bill,
    JournalTransaction? Transaction,
    IReadOnlyList<Money> AcceptedNotes,
    IReadOnlyList<NoteReturned> ReturnedNotes,
    ReceiptOutcome? Receipt);

/// <summary>What the citizen chose at the screen: the service, the biller, the consumer number and the language.</summary>
public sealed record SessionRequest(string Service, string BillerId, string ConsumerNumber, string Language = "hi+en");
