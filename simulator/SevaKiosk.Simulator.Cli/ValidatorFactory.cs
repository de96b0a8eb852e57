using System.Globalization;
using SevaKiosk.Simulator.Control;
using SevaKiosk.Simulator.Devices.Validators.Ssp;

namespace SevaKiosk.Simulator.Cli;

/// <summary>Creates the simulated validator for a protocol name.</summary>
internal static class ValidatorFactory
{
    public static readonly string[] Protocols = ["ssp", "id003", "cctalk"];

    /// <exception cref="ArgumentException">An option is malformed, or the protocol has no simulator yet.</exception>
    public static ISimulatedDevice Create(ValidatorOptions options) => options.Protocol switch
    {
        not "ssp" when options.Timings is not null => throw new ArgumentException("--timings is an SSP simulator option."),
        "ssp" => new SimulatedSspValidator(SspOptions(options)),
        "cctalk" => new Devices.Validators.CcTalk.CcTalkValidatorSimulator(),
        "id003" => Id003Validator.Create(options),
        _ => throw new ArgumentException($"The {options.Protocol} validator simulator is not available in this build."),
    };

    private static SspValidatorOptions SspOptions(ValidatorOptions options)
    {
        var ssp = new SspValidatorOptions
        {
            EncryptionRequired = options.Encrypted,
            Address = options.Address,
            Seed = options.Seed,
        };
        if (options.FixedKey is { } key)
        {
            ssp = ssp with { FixedKey = ParseFixedKey(key) };
        }

        if (options.Channels is { } channels)
        {
            ssp = ssp with { ChannelValues = ParseChannels(channels) };
        }

        if (options.Timings is { } timings)
        {
            ssp = ApplyTimings(ssp, timings);
        }

        return ssp;
    }

    /// <summary>
    /// <c>--timings reading=50,credit=40,stacking=80,rejecting=50,escrow=10000,boot=50</c> (milliseconds) over the defaults.
    /// </summary>
    public static SspValidatorOptions ApplyTimings(SspValidatorOptions ssp, string text)
    {
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? part[..eq] : part;
            if (eq <= 0 || !int.TryParse(part[(eq + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
            {
                throw new ArgumentException($"--timings: '{part}' is not name=milliseconds (for example reading=50).");
            }

            var span = TimeSpan.FromMilliseconds(ms);
            ssp = name switch
            {
                "reading" => ssp with { ReadingTime = span },
                "credit" => ssp with { CreditDelay = span },
                "stacking" => ssp with { StackingTime = span },
                "rejecting" => ssp with { RejectingTime = span },
                "escrow" => ssp with { EscrowTimeout = span },
                "boot" => ssp with { BootTime = span },
                _ => throw new ArgumentException($"--timings: unknown timing '{name}' (reading, credit, stacking, rejecting, escrow, boot)."),
            };
        }

        return ssp;
    }

    /// <summary>The fixed key as the 16 hex digits of its u64 value, for example 0123456701234567 (ITL's default).</summary>
    public static ulong ParseFixedKey(string text)
    {
        var hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        return hex.Length is > 0 and <= 16 && ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var key)
            ? key
            : throw new ArgumentException($"--fixed-key '{text}' is not up to 16 hex digits (for example 0123456701234567).");
    }

    /// <summary>Channel face values in channel order, for example 10,20,50,100,200,500.</summary>
    public static IReadOnlyList<long> ParseChannels(string text)
    {
        var values = new List<long>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            values.Add(long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
                ? value
                : throw new ArgumentException($"--channels: '{part}' is not a positive whole face value."));
        }

        return values;
    }
}
