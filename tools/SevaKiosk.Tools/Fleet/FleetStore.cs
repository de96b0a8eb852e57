using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using SevaKiosk.Firmware.Agent.Outbox;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Tools.Fleet;

/// <summary>
/// kioskctl's local SQLite store of what the fleet published: machines (location from <c>meta</c> or a directory file,
/// active faults from <c>state/reported</c>), transactions (one row per TxId, the highest revision wins, duplicate
/// deliveries only counted), and fault events (a redelivered event is stored once). Money is kept as integer paise, so
/// sums are exact. <c>:memory:</c> keeps nothing (imports of an export file).
/// </summary>
internal sealed class FleetStore : IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS machines(
            machine_id TEXT PRIMARY KEY,
            panchayat TEXT,
            block TEXT,
            district TEXT,
            firmware TEXT,
            active_faults TEXT,
            faults_at_ms INTEGER);
        CREATE TABLE IF NOT EXISTS transactions(
            tx_id TEXT PRIMARY KEY,
            machine_id TEXT NOT NULL,
            revision INTEGER NOT NULL,
            journal_seq INTEGER NOT NULL,
            created_ms INTEGER NOT NULL,
            clock_synced INTEGER NOT NULL,
            service TEXT NOT NULL,
            amount_paise INTEGER NOT NULL,
            fee_paise INTEGER NOT NULL,
            currency TEXT NOT NULL,
            status TEXT NOT NULL,
            deliveries INTEGER NOT NULL DEFAULT 1);
        CREATE INDEX IF NOT EXISTS transactions_created ON transactions(created_ms);
        CREATE TABLE IF NOT EXISTS faults(
            machine_id TEXT NOT NULL,
            device TEXT NOT NULL,
            code TEXT NOT NULL,
            active INTEGER NOT NULL,
            severity TEXT NOT NULL,
            action TEXT NOT NULL,
            message TEXT NOT NULL,
            boot_id TEXT NOT NULL,
            monotonic_ms INTEGER NOT NULL,
            wall_ms INTEGER NOT NULL,
            PRIMARY KEY(machine_id, boot_id, monotonic_ms, device, code, active));
        """;

    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    public FleetStore(string path)
    {
        if (path != ":memory:" && Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
        Execute(Schema);
    }

    /// <summary>The default store: <c>~/.local/share/sevakiosk/fleet.db</c> (XDG data directory).</summary>
    public static string DefaultPath =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "sevakiosk", "fleet.db");

    public void Dispose() => _connection.Dispose();

    /// <summary>Applies one message from the broker; messages the store does not keep (telemetry, status) are ignored.</summary>
    public void Apply(FleetMessage message)
    {
        switch (message)
        {
            case TransactionReceived { Transaction: var tx }:
                UpsertTransaction(TransactionRow.From(tx));
                break;
            case FaultReceived { Fault: var fault }:
                AddFault(fault);
                break;
            case MetaReceived { Meta: var meta }:
                UpsertMachine(meta.MachineId, meta.Location, meta.FirmwareVersion);
                break;
            case ReportedReceived { State: var state } when state.ActiveFaults is { } active:
                SetActiveFaults(state.MachineId, active, state.Stamp.Wall);
                break;
        }
    }

    /// <summary>Adds or updates a machine; a null location or firmware keeps what is known.</summary>
    public void UpsertMachine(string machineId, MachineLocation? location, string? firmware) => Run(c =>
        c.Command("""
            INSERT INTO machines(machine_id, panchayat, block, district, firmware) VALUES ($id, $p, $b, $d, $fw)
            ON CONFLICT(machine_id) DO UPDATE SET
                panchayat = COALESCE(excluded.panchayat, panchayat), block = COALESCE(excluded.block, block),
                district = COALESCE(excluded.district, district), firmware = COALESCE(excluded.firmware, firmware)
            """).With("$id", machineId).With("$p", location?.Panchayat).With("$b", location?.Block).With("$d", location?.District).With("$fw", firmware)
            .Execute());

    /// <summary>
    /// Stores a transaction once per TxId: a later revision replaces an earlier one, an equal or older one only counts as
    /// another delivery. Throws <see cref="FleetInputException"/> for amounts finer than a paisa.
    /// </summary>
    public void UpsertTransaction(TransactionRow tx) => UpsertTransactions([tx]);

    /// <summary>
    /// <see cref="UpsertTransaction"/> for many rows in one commit with prepared statements (an export of a hundred
    /// thousand rows imports in seconds). An exception while enumerating rolls the whole batch back.
    /// </summary>
    public void UpsertTransactions(IEnumerable<TransactionRow> rows) => Run(c =>
    {
        using var transaction = c.BeginTransaction();
        using var delivered = c.Command("UPDATE transactions SET deliveries = deliveries + 1 WHERE tx_id = $tx", transaction);
        using var upsert = c.Command("""
            INSERT INTO transactions(tx_id, machine_id, revision, journal_seq, created_ms, clock_synced, service, amount_paise, fee_paise, currency, status)
            VALUES ($tx, $m, $rev, $seq, $at, $sync, $svc, $amt, $fee, $cur, $st)
            ON CONFLICT(tx_id) DO UPDATE SET
                revision = excluded.revision, journal_seq = excluded.journal_seq, created_ms = excluded.created_ms,
                clock_synced = excluded.clock_synced, service = excluded.service, amount_paise = excluded.amount_paise,
                fee_paise = excluded.fee_paise, currency = excluded.currency, status = excluded.status
            WHERE excluded.revision > transactions.revision
            """, transaction);
        using var machine = c.Command("INSERT OR IGNORE INTO machines(machine_id) VALUES ($m)", transaction);
        foreach (var tx in rows)
        {
            var amount = Paise(tx.Amount, tx.TxId);
            var fee = Paise(tx.Fee, tx.TxId);
            Bind(delivered, ("$tx", tx.TxId)).ExecuteNonQuery();
            Bind(
                upsert,
                ("$tx", tx.TxId), ("$m", tx.MachineId), ("$rev", tx.Revision), ("$seq", tx.JournalSeq), ("$at", tx.CreatedAt.ToUnixTimeMilliseconds()),
                ("$sync", tx.ClockSynced ? 1 : 0), ("$svc", tx.Service), ("$amt", amount), ("$fee", fee), ("$cur", tx.Currency), ("$st", StatusName(tx.Status)))
                .ExecuteNonQuery();
            Bind(machine, ("$m", tx.MachineId)).ExecuteNonQuery();
        }

        transaction.Commit();
        return 0;
    });

    /// <summary>Stores a fault event once (machine, boot, monotonic time, device, code and direction identify it).</summary>
    public void AddFault(FaultMessage fault) => Run(c =>
    {
        c.Command("""
            INSERT OR IGNORE INTO faults(machine_id, device, code, active, severity, action, message, boot_id, monotonic_ms, wall_ms)
            VALUES ($m, $dev, $code, $active, $sev, $act, $msg, $boot, $mono, $wall)
            """).With("$m", fault.MachineId).With("$dev", fault.Device).With("$code", fault.Code).With("$active", fault.Active ? 1 : 0)
            .With("$sev", fault.Severity).With("$act", fault.Action).With("$msg", fault.Message).With("$boot", fault.Stamp.BootId)
            .With("$mono", fault.Stamp.MonotonicMs).With("$wall", fault.Stamp.Wall.ToUnixTimeMilliseconds()).Execute();
        return c.Command("INSERT OR IGNORE INTO machines(machine_id) VALUES ($m)").With("$m", fault.MachineId).Execute();
    });

    /// <summary>Keeps the newest reported list of active faults per machine.</summary>
    public void SetActiveFaults(string machineId, IReadOnlyList<FaultMessage> active, DateTimeOffset asOf)
    {
        var json = new StringBuilder("[");
        json.AppendJoin(',', active.Select(KioskJson.SerializeToString));
        json.Append(']');
        Run(c => c.Command("""
            INSERT INTO machines(machine_id, active_faults, faults_at_ms) VALUES ($m, $f, $at)
            ON CONFLICT(machine_id) DO UPDATE SET active_faults = excluded.active_faults, faults_at_ms = excluded.faults_at_ms
            WHERE faults_at_ms IS NULL OR excluded.faults_at_ms >= faults_at_ms
            """).With("$m", machineId).With("$f", json.ToString()).With("$at", asOf.ToUnixTimeMilliseconds()).Execute());
    }

    public IReadOnlyList<StoredMachine> Machines() => Run(c =>
    {
        var machines = new List<StoredMachine>();
        using var command = c.Command("SELECT machine_id, panchayat, block, district, firmware FROM machines ORDER BY machine_id");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var location = reader.IsDBNull(1) || reader.IsDBNull(2) || reader.IsDBNull(3)
                ? null
                : new MachineLocation(reader.GetString(1), reader.GetString(2), reader.GetString(3));
            machines.Add(new StoredMachine(reader.GetString(0), location, reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return machines;
    });

    /// <summary>
    /// Per machine, the payments (posted or pending) created in [<paramref name="from"/>, <paramref name="to"/>) and their
    /// sums; failed and not-posted ones are counted apart.
    /// </summary>
    public IReadOnlyDictionary<string, MachineTotals> Totals(DateTimeOffset? from, DateTimeOffset? to) => Run(c =>
    {
        var totals = new Dictionary<string, MachineTotals>(StringComparer.Ordinal);
        using var command = c.Command("""
            SELECT machine_id,
                   SUM(status IN ('posted', 'pending')),
                   SUM(CASE WHEN status IN ('posted', 'pending') THEN amount_paise ELSE 0 END),
                   SUM(CASE WHEN status IN ('posted', 'pending') THEN fee_paise ELSE 0 END),
                   SUM(status NOT IN ('posted', 'pending'))
            FROM transactions
            WHERE created_ms >= $from AND created_ms < $to
            GROUP BY machine_id
            """).With("$from", from?.ToUnixTimeMilliseconds() ?? long.MinValue).With("$to", to?.ToUnixTimeMilliseconds() ?? long.MaxValue);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            totals[reader.GetString(0)] = new MachineTotals(reader.GetInt64(1), reader.GetInt64(2) / 100m, reader.GetInt64(3) / 100m, reader.GetInt64(4));
        }

        return totals;
    });

    /// <summary>Stored transactions and how many deliveries they took (duplicates show up as deliveries above count).</summary>
    public (long Transactions, long Deliveries) TransactionCounts() => Run(c =>
    {
        using var command = c.Command("SELECT COUNT(*), COALESCE(SUM(deliveries), 0) FROM transactions");
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    });

    /// <summary>A machine's fault events, newest first.</summary>
    public IReadOnlyList<FaultMessage> FaultHistory(string machineId) => Run(c =>
    {
        var events = new List<FaultMessage>();
        using var command = c.Command("""
            SELECT device, code, active, severity, action, message, boot_id, monotonic_ms, wall_ms FROM faults
            WHERE machine_id = $m ORDER BY wall_ms DESC, boot_id, monotonic_ms DESC
            """).With("$m", machineId);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            events.Add(new FaultMessage
            {
                MachineId = machineId,
                Device = reader.GetString(0),
                Code = reader.GetString(1),
                Active = reader.GetInt64(2) == 1,
                Severity = reader.GetString(3),
                Action = reader.GetString(4),
                Message = reader.GetString(5),
                Stamp = new MachineStamp(reader.GetString(6), reader.GetInt64(7), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)), true),
            });
        }

        return events;
    });

    /// <summary>The newest reported list of a machine's active faults, or null when none was ever received.</summary>
    public (IReadOnlyList<FaultMessage> Faults, DateTimeOffset AsOf)? ActiveFaults(string machineId) => Run<(IReadOnlyList<FaultMessage>, DateTimeOffset)?>(c =>
    {
        using var command = c.Command("SELECT active_faults, faults_at_ms FROM machines WHERE machine_id = $m AND active_faults IS NOT NULL").With("$m", machineId);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        using var document = System.Text.Json.JsonDocument.Parse(reader.GetString(0));
        var faults = document.RootElement.EnumerateArray().Select(e => KioskJson.Deserialize<FaultMessage>(Encoding.UTF8.GetBytes(e.GetRawText()))).ToList();
        return (faults, DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)));
    });

    /// <summary>Rupees as whole paise; throws <see cref="FleetInputException"/> for a finer amount (never rounded).</summary>
    public static long Paise(decimal rupees, string txId)
    {
        var paise = rupees * 100m;
        if (paise != decimal.Truncate(paise))
        {
            throw new FleetInputException(string.Create(CultureInfo.InvariantCulture, $"transaction {txId}: {rupees} is not a whole number of paise"));
        }

        return (long)paise;
    }

    public static string StatusName(PaymentStatus status) => status switch
    {
        PaymentStatus.Posted => "posted",
        PaymentStatus.Pending => "pending",
        PaymentStatus.Failed => "failed",
        _ => "not-posted",
    };

    private static SqliteCommand Bind(SqliteCommand command, params (string Name, object Value)[] values)
    {
        command.Parameters.Clear();
        foreach (var (name, value) in values)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    private T Run<T>(Func<SqliteConnection, T> work)
    {
        lock (_gate)
        {
            return work(_connection);
        }
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Execute();
    }
}

/// <summary>What the store keeps of a transaction record (the contract's fields a report needs).</summary>
internal sealed record TransactionRow(
    string TxId, string MachineId, int Revision, long JournalSeq, DateTimeOffset CreatedAt, bool ClockSynced,
    string Service, decimal Amount, decimal Fee, string Currency, PaymentStatus Status)
{
    public static TransactionRow From(TransactionRecord tx) => new(
        tx.TxId, tx.MachineId, tx.Revision, tx.JournalSeq, tx.CreatedAt.Wall, tx.CreatedAt.ClockSynced, tx.Service, tx.Amount, tx.Fee, tx.Currency, tx.PaymentStatus);
}

/// <summary>A machine the store knows; <see cref="Location"/> is null until its meta or a directory names it.</summary>
internal sealed record StoredMachine(string MachineId, MachineLocation? Location, string? Firmware);

/// <summary>One machine's payments in a period: count and sums (posted or pending), and those that failed or were not posted.</summary>
internal sealed record MachineTotals(long Transactions, decimal Amount, decimal Fees, long NotPosted);

/// <summary>Runs a statement built with the firmware's <see cref="SqliteCommandExtensions"/> and disposes it.</summary>
internal static class SqliteStatements
{
    /// <summary>Runs and disposes the command (a prepared statement is a native resource).</summary>
    public static int Execute(this SqliteCommand command)
    {
        using (command)
        {
            return command.ExecuteNonQuery();
        }
    }
}
