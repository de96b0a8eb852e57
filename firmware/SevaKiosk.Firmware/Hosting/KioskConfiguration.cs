using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using SevaKiosk.Firmware.Agent;
using SevaKiosk.Firmware.Engine;
using SevaKiosk.Hal.Io;
using SevaKiosk.Firmware.Updates.Ota;
using SevaKiosk.Hal.Links;
using SevaKiosk.Hal.Printers;
using SevaKiosk.Protocol.EscPos;

namespace SevaKiosk.Firmware.Hosting;

/// <summary>A configuration key that is wrong or missing; the firmware does not start with it.</summary>
public sealed class KioskConfigurationException : Exception
{
    public KioskConfigurationException(string key, string message)
        : base($"{key}: {message}")
    {
        Key = key;
    }

    public KioskConfigurationException()
    {
        Key = string.Empty;
    }

    public KioskConfigurationException(string message)
        : base(message)
    {
        Key = string.Empty;
    }

    public KioskConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Key = string.Empty;
    }

    /// <summary>The offending key in <c>Section:Name</c> form.</summary>
    public string Key { get; }
}

/// <summary>
/// Where the firmware's configuration comes from and how it is checked. Sources, later ones winning:
/// <c>appsettings.json</c> beside the program, the <c>--config FILE</c>, <c>SEVAKIOSK_</c> environment variables
/// (<c>SEVAKIOSK_Validator__Port</c>) and command-line overrides. Every key of the kiosk's sections must be known
/// and every value sensible, so a typo stops the machine at start with the key named instead of running it wrongly.
/// </summary>
public static partial class KioskConfiguration
{
    public const string EnvironmentPrefix = "SEVAKIOSK_";

    /// <summary>Top-level sections the firmware reads; anything else at the top level is a mistake.</summary>
    private static readonly Dictionary<string, Type?> Sections = new(StringComparer.OrdinalIgnoreCase)
    {
        [KioskOptions.Section] = typeof(KioskOptions),
        [ValidatorSettings.Section] = typeof(ValidatorSettings),
        [PrinterSettings.Section] = typeof(PrinterSettings),
        ["Agent"] = typeof(KioskAgentOptions),
        ["Sessions"] = typeof(SessionOptions),
        [KioskIoOptions.Section] = typeof(KioskIoOptions),
        [UpdateOptions.Section] = typeof(UpdateOptions),
        ["Logging"] = null,

        // Written by `kioskctl provision`: fingerprints and where each port came from, for people and fleet tools only.
        ["Provision"] = null,
    };

    /// <summary>Keys read by this loader rather than bound: secrets kept in their own root-only files.</summary>
    private static readonly HashSet<string> FileKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "Agent:PasswordFile", "Agent:FleetPublicKeyFile", "Validator:FixedKeyFile",
    };

    private static readonly HashSet<decimal> RupeeNotes = [10m, 20m, 50m, 100m, 200m, 500m, 2000m];

    /// <summary>Builds the configuration from its sources. A named <paramref name="configFile"/> that is missing is an error.</summary>
    public static IConfigurationRoot Build(string? configFile, IEnumerable<KeyValuePair<string, string?>>? overrides = null, string? baseDirectory = null)
    {
        var builder = new ConfigurationBuilder()
            .SetBasePath(baseDirectory ?? AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true, reloadOnChange: false);
        if (configFile is not null)
        {
            var full = Path.GetFullPath(configFile);
            if (!File.Exists(full))
            {
                throw new KioskConfigurationException("--config", $"the file {full} does not exist");
            }

            builder.AddJsonFile(full, optional: false, reloadOnChange: false);
            builder.AddInMemoryCollection([new("Config:Directory", Path.GetDirectoryName(full))]);
        }

        builder.AddEnvironmentVariables(EnvironmentPrefix);
        if (overrides is not null)
        {
            builder.AddInMemoryCollection(overrides);
        }

        try
        {
            return builder.Build();
        }
        catch (InvalidDataException ex)
        {
            throw new KioskConfigurationException("--config", ex.Message);
        }
    }

    /// <summary>Binds and checks every section; throws <see cref="KioskConfigurationException"/> naming the first bad key.</summary>
    public static KioskRuntimeSettings Load(IConfiguration configuration)
    {
        foreach (var child in configuration.GetChildren())
        {
            if (child.Key.Equals("Config", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!Sections.TryGetValue(child.Key, out var type))
            {
                throw new KioskConfigurationException(child.Key, $"unknown section (known: {string.Join(", ", Sections.Keys)})");
            }

            if (type is not null)
            {
                CheckKnownKeys(child, type);
            }
        }

        var configDirectory = configuration["Config:Directory"] ?? Directory.GetCurrentDirectory();
        var kiosk = Bind<KioskOptions>(configuration, KioskOptions.Section);
        var validator = Bind<ValidatorSettings>(configuration, ValidatorSettings.Section);
        var printer = Bind<PrinterSettings>(configuration, PrinterSettings.Section);
        var agent = Bind<KioskAgentOptions>(configuration, "Agent");
        var sessions = Bind<SessionOptions>(configuration, "Sessions");
        var io = Bind<KioskIoOptions>(configuration, KioskIoOptions.Section);
        var updates = Bind<UpdateOptions>(configuration, UpdateOptions.Section);

        if (ReadSecret(configuration, "Agent:PasswordFile", configDirectory) is { } password)
        {
            agent.Password = password;
        }

        if (ReadSecret(configuration, "Agent:FleetPublicKeyFile", configDirectory) is { } fleetKey)
        {
            agent.FleetPublicKey = fleetKey;
        }

        if (ReadSecret(configuration, "Validator:FixedKeyFile", configDirectory) is { } fixedKey)
        {
            validator = validator with { FixedKey = fixedKey };
        }

        if (ListFromTopSource(configuration, "Validator:AcceptedNotes") is { } notes)
        {
            validator = validator with { AcceptedNotes = notes };
        }

        if (ListFromTopSource(configuration, "Validator:SimulatedChannels") is { } channels)
        {
            validator = validator with { SimulatedChannels = [.. channels.Select(c => (long)c)] };
        }

        CheckKiosk(kiosk);
        CheckValidator(validator);
        CheckPrinter(printer);
        CheckAgent(agent);
        CheckSessions(sessions);
        CheckIo(io);
        if (updates.Validate() is [var problem, ..])
        {
            throw new KioskConfigurationException(problem.Split(' ')[0], problem);
        }

        return new KioskRuntimeSettings(kiosk, validator, printer, agent, sessions) { Io = io, Updates = updates };
    }

    /// <summary>
    /// A list as the highest-priority source that sets it wrote it. Left to itself the configuration merges lists index
    /// by index across sources and the binder appends them to the property's default, so a machine's
    /// <c>"AcceptedNotes": [500]</c> over appsettings.json's six notes would read as
    /// <c>10,20,50,100,200,500,500,20,50,100,200,500</c>: every note accepted. Null when no source sets the list.
    /// </summary>
    private static decimal[]? ListFromTopSource(IConfiguration configuration, string key)
    {
        IEnumerable<(string Index, string? Value)> items;
        if (configuration is IConfigurationRoot root)
        {
            var top = root.Providers.Reverse().FirstOrDefault(p => p.GetChildKeys([], key).Any());
            if (top is null)
            {
                return null;
            }

            items = top.GetChildKeys([], key).Distinct(StringComparer.OrdinalIgnoreCase)
                .Select(index => (index, top.TryGet($"{key}:{index}", out var value) ? value : null));
        }
        else
        {
            items = configuration.GetSection(key).GetChildren().Select(c => (c.Key, c.Value));
        }

        var list = new List<(int Index, decimal Value)>();
        foreach (var (index, value) in items)
        {
            if (!int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var position)
                || !decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var number))
            {
                throw new KioskConfigurationException($"{key}:{index}", $"'{value}' is not an amount");
            }

            list.Add((position, number));
        }

        return list.Count == 0 ? null : [.. list.OrderBy(i => i.Index).Select(i => i.Value)];
    }

    private static T Bind<T>(IConfiguration configuration, string section)
        where T : new()
    {
        var value = new T();
        try
        {
            configuration.GetSection(section).Bind(value);
        }
        catch (InvalidOperationException ex)
        {
            // The binder names the path in its message ("... value at 'Validator:PollInterval' to type ...").
            var key = BinderPath().Match(ex.Message) is { Success: true } m ? m.Groups[1].Value : section;
            throw new KioskConfigurationException(key, "cannot be read: " + (ex.InnerException?.Message ?? ex.Message));
        }

        return value;
    }

    private static void CheckKnownKeys(IConfigurationSection section, Type type)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .Select(p => p.Name)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            var key = section.Key + ":" + child.Key;
            if (!properties.Contains(child.Key) && !FileKeys.Contains(key))
            {
                throw new KioskConfigurationException(key, $"unknown key in section {section.Key}");
            }
        }
    }

    private static string? ReadSecret(IConfiguration configuration, string key, string configDirectory)
    {
        if (configuration[key] is not { Length: > 0 } path)
        {
            return null;
        }

        var full = Path.IsPathRooted(path) ? path : Path.Combine(configDirectory, path);
        try
        {
            return File.ReadAllText(full).Trim();
        }
        catch (IOException ex)
        {
            throw new KioskConfigurationException(key, $"cannot read {full}: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new KioskConfigurationException(key, $"cannot read {full}: {ex.Message}");
        }
    }

    private static void CheckKiosk(KioskOptions kiosk)
    {
        // The machine id is an MQTT topic level and the prefix of every transaction id.
        if (!MachineIdPattern().IsMatch(kiosk.MachineId))
        {
            throw new KioskConfigurationException("Kiosk:MachineId", $"'{kiosk.MachineId}' must be 1–64 letters, digits, '-' or '_'");
        }

        if (kiosk.Language is not ("hi" or "en" or "hi+en"))
        {
            throw new KioskConfigurationException("Kiosk:Language", $"'{kiosk.Language}' must be hi, en or hi+en");
        }

        Require(kiosk.DataDirectory, "Kiosk:DataDirectory");
        Require(kiosk.Panchayat, "Kiosk:Panchayat");
        Require(kiosk.Block, "Kiosk:Block");
        Require(kiosk.District, "Kiosk:District");
    }

    private static void CheckValidator(ValidatorSettings v)
    {
        if (v.Protocol is not ("ssp" or "id003" or "cctalk"))
        {
            throw new KioskConfigurationException("Validator:Protocol", $"'{v.Protocol}' must be ssp, id003 or cctalk");
        }

        if (v.AcceptedNotes.Count == 0)
        {
            throw new KioskConfigurationException("Validator:AcceptedNotes", "at least one note must be accepted");
        }

        foreach (var note in v.AcceptedNotes.Where(n => !RupeeNotes.Contains(n)))
        {
            throw new KioskConfigurationException("Validator:AcceptedNotes", $"₹{note} is not an Indian banknote (10, 20, 50, 100, 200, 500, 2000)");
        }

        if (v.PollInterval < TimeSpan.FromMilliseconds(50) || v.PollInterval > TimeSpan.FromSeconds(5))
        {
            throw new KioskConfigurationException("Validator:PollInterval", $"{v.PollInterval} is outside 50 ms – 5 s");
        }

        if (v.ResponseTimeout is { } reply && (reply < TimeSpan.FromMilliseconds(50) || reply > TimeSpan.FromSeconds(10)))
        {
            throw new KioskConfigurationException("Validator:ResponseTimeout", $"{reply} is outside 50 ms – 10 s");
        }

        if (v.Encrypted && v.Protocol != "ssp")
        {
            throw new KioskConfigurationException("Validator:Encrypted", "only SSP validators talk eSSP");
        }

        if (v.FixedKey is { Length: > 0 } key && (key.Length != 16 || !ulong.TryParse(key, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out _)))
        {
            throw new KioskConfigurationException("Validator:FixedKey", "must be 16 hexadecimal digits");
        }

        if (v.Echo is { Length: > 0 } echo && (v.Protocol != "id003" || echo is not ("auto" or "on" or "off")))
        {
            throw new KioskConfigurationException("Validator:Echo", "auto, on or off, for ID-003 validators only");
        }

        if (v.Checksum is { Length: > 0 } checksum && (v.Protocol != "cctalk" || checksum is not ("simple8" or "crc16")))
        {
            throw new KioskConfigurationException("Validator:Checksum", "simple8 or crc16, for ccTalk validators only");
        }

        CheckSerial(v.Serial, "Validator:Serial");
    }

    private static void CheckPrinter(PrinterSettings p)
    {
        const string Section = PrinterSettings.Section;
        try
        {
            PrinterProfiles.Get(p.Profile);
        }
        catch (ArgumentException ex)
        {
            throw new KioskConfigurationException($"{Section}:Profile", ex.Message);
        }

        CheckSerial(p.Serial, $"{Section}:Serial");
        try
        {
            PrinterSettings.ParseFlowControl(p.FlowControl);
        }
        catch (ArgumentException)
        {
            throw new KioskConfigurationException($"{Section}:FlowControl", $"'{p.FlowControl}' is not one of {string.Join(", ", PrinterSettings.FlowControlNames)}");
        }

        if (p.ChunkBytes < 64)
        {
            throw new KioskConfigurationException($"{Section}:ChunkBytes", "must be at least 64");
        }

        foreach (var (value, key) in new[] { (p.StatusPollIntervalMs, "StatusPollIntervalMs"), (p.ReplyTimeoutMs, "ReplyTimeoutMs"), (p.JobStallTimeoutSeconds, "JobStallTimeoutSeconds") })
        {
            if (value <= 0)
            {
                throw new KioskConfigurationException($"{Section}:{key}", "must be positive");
            }
        }

        try
        {
            // What is left is a combination of keys (chunks that cannot fit the profile's buffer, for example).
            p.ToOptions();
        }
        catch (ArgumentException ex)
        {
            throw new KioskConfigurationException(Section, ex.Message);
        }
    }

    private static void CheckAgent(KioskAgentOptions agent)
    {
        if (string.IsNullOrWhiteSpace(agent.Broker))
        {
            return; // the embedded broker and demo backend
        }

        if (!Uri.TryCreate(agent.Broker, UriKind.Absolute, out var uri) || uri.Scheme is not ("mqtt" or "mqtts") || uri.Port <= 0)
        {
            throw new KioskConfigurationException("Agent:Broker", $"'{agent.Broker}' must look like mqtt://host:1883 or mqtts://host:8883");
        }

        // A fleet machine must be able to tell its fleet's commands from anyone else's.
        if (string.IsNullOrWhiteSpace(agent.FleetPublicKey))
        {
            throw new KioskConfigurationException("Agent:FleetPublicKey", "required with a fleet broker (the fleet command key's public PEM, or Agent:FleetPublicKeyFile)");
        }

        try
        {
            using var key = System.Security.Cryptography.ECDsa.Create();
            key.ImportFromPem(agent.FleetPublicKey);
        }
        catch (ArgumentException ex)
        {
            throw new KioskConfigurationException("Agent:FleetPublicKey", "not a public key PEM: " + ex.Message);
        }

        if (agent.ClientCertificateFile is { Length: > 0 } cert && !File.Exists(cert))
        {
            throw new KioskConfigurationException("Agent:ClientCertificateFile", $"{cert} does not exist");
        }

        if (agent.CaCertificateFile is { Length: > 0 } ca && !File.Exists(ca))
        {
            throw new KioskConfigurationException("Agent:CaCertificateFile", $"{ca} does not exist");
        }

        if (agent.KeepAlive <= TimeSpan.Zero)
        {
            throw new KioskConfigurationException("Agent:KeepAlive", "must be positive");
        }
    }

    private static void CheckSessions(SessionOptions s)
    {
        if (s.InactivityTimeout < TimeSpan.FromSeconds(5))
        {
            throw new KioskConfigurationException("Sessions:InactivityTimeout", "must be at least 5 s: citizens need time to find a note");
        }

        if (s.DecisionTimeout <= TimeSpan.Zero || s.BackendTimeout <= TimeSpan.Zero)
        {
            throw new KioskConfigurationException(s.DecisionTimeout <= TimeSpan.Zero ? "Sessions:DecisionTimeout" : "Sessions:BackendTimeout", "must be positive");
        }

        if (!Enum.IsDefined(s.Excess))
        {
            throw new KioskConfigurationException("Sessions:Excess", $"'{s.Excess}' is not ReturnNote or Voucher");
        }
    }

    private static void CheckIo(KioskIoOptions io)
    {
        var pins = new (string Key, int Pin)[]
        {
            ("KioskIo:Door", io.Door.Pin), ("KioskIo:CashBox", io.CashBox.Pin), ("KioskIo:ServiceKey", io.ServiceKey.Pin),
            ("KioskIo:InServiceLed", io.InServiceLed.Pin), ("KioskIo:OutOfServiceLed", io.OutOfServiceLed.Pin),
            ("KioskIo:AttentionLed", io.AttentionLed.Pin), ("KioskIo:Buzzer", io.Buzzer.Pin), ("KioskIo:ValidatorRelay", io.ValidatorRelay.Pin),
        };
        foreach (var group in pins.Where(p => p.Pin >= 0).GroupBy(p => p.Pin).Where(g => g.Count() > 1))
        {
            throw new KioskConfigurationException(group.Last().Key, $"GPIO {group.Key} is already used by {group.First().Key}");
        }

        if (io.Debounce < TimeSpan.Zero || io.PollInterval <= TimeSpan.Zero)
        {
            throw new KioskConfigurationException(io.PollInterval <= TimeSpan.Zero ? "KioskIo:PollInterval" : "KioskIo:Debounce", "must be positive");
        }

        if (io.IdleSampleInterval < io.PollInterval)
        {
            throw new KioskConfigurationException("KioskIo:IdleSampleInterval", "must be at least KioskIo:PollInterval");
        }
    }

    private static void CheckSerial(string? serial, string key)
    {
        if (string.IsNullOrWhiteSpace(serial))
        {
            return;
        }

        try
        {
            SerialSettings.Parse(serial);
        }
        catch (FormatException ex)
        {
            throw new KioskConfigurationException(key, ex.Message);
        }
    }

    private static void Require(string value, string key)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new KioskConfigurationException(key, "is required");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex MachineIdPattern();

    [GeneratedRegex("at '([^']+)'")]
    private static partial Regex BinderPath();
}
