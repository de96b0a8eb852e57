using SevaKiosk.Firmware.Agent;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Mqtt.Testing;

/// <summary>Agent options with test-sized timings, a database in a temp folder, and transaction records.</summary>
public static class TestAgents
{
    public static KioskAgentOptions Options(string machineId, string broker, string fleetKeyPem, string directory, bool withPassword = false) => new()
    {
        MachineId = machineId,
        Broker = broker,
        Password = withPassword ? MosquittoBroker.PasswordOf(machineId) : null,
        FleetPublicKey = fleetKeyPem,
        DatabasePath = Path.Combine(directory, "journal.db"),
        FirstConnectMaxDelay = TimeSpan.Zero,
        ReconnectMinDelay = TimeSpan.FromMilliseconds(100),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(800),
        KeepAlive = TimeSpan.FromSeconds(5),
        PingInterval = TimeSpan.FromSeconds(1),
        PingTimeout = TimeSpan.FromSeconds(2),
        PublishDeadline = TimeSpan.FromSeconds(3),
        ConnectTimeout = TimeSpan.FromSeconds(3),
        AckTimeout = TimeSpan.FromSeconds(2),
        OutboxPollInterval = TimeSpan.FromMilliseconds(200),
        BackendRequestDeadline = TimeSpan.FromSeconds(2),
        PaymentResolveDeadline = TimeSpan.FromSeconds(10),
    };

    public static TransactionRecord Transaction(string machineId, long journalSeq, decimal amount = 850m)
    {
        var stamp = new MachineStamp("boot-1", journalSeq * 1000, DateTimeOffset.UtcNow, true);
        return new TransactionRecord
        {
            TxId = $"{machineId}-{journalSeq:D8}",
            MachineId = machineId,
            JournalSeq = journalSeq,
            SessionId = $"s-{journalSeq}",
            Service = "electricity",
            BillerId = "JVVNL",
            ConsumerNumber = "210441023456",
            Amount = amount,
            Currency = "INR",
            Notes = [new NoteCredit(500m, stamp, "NV200-1"), new NoteCredit(200m, stamp, "NV200-1"), new NoteCredit(100m, stamp, "NV200-1"), new NoteCredit(50m, stamp, "NV200-1")],
            PaymentStatus = PaymentStatus.Posted,
            ReceiptNumber = $"R{journalSeq:D6}",
            CreatedAt = stamp,
        };
    }
}
