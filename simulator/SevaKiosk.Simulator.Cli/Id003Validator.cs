using SevaKiosk.Protocol.Id003;
using SevaKiosk.Simulator.Control;
using SevaKiosk.Simulator.Devices.Validators.Id003;

namespace SevaKiosk.Simulator.Cli;

/// <summary><c>--protocol id003</c>: a simulated JCM acceptor with the default (field-observed) timings on the real clock.</summary>
internal static class Id003Validator
{
    /// <exception cref="ArgumentException">An SSP-only option was given, or --channels is malformed.</exception>
    public static ISimulatedDevice Create(ValidatorOptions options)
    {
        if (options.Encrypted || options.FixedKey is not null || options.Address != 0)
        {
            throw new ArgumentException("--encrypted, --fixed-key and --address are SSP options; ID-003 has no encryption and no address.");
        }

        var id003 = new Id003SimulatorOptions { Seed = options.Seed };
        if (options.Channels is { } channels)
        {
            id003 = id003 with { Denominations = CurrencyTable(ValidatorFactory.ParseChannels(channels)) };
        }

        return new Id003SimulatedValidator(id003, TimeProvider.System);
    }

    /// <summary>--channels as an INR currency table: escrow codes 0x61, 0x62 ... in the order given.</summary>
    private static List<Id003Denomination> CurrencyTable(IReadOnlyList<long> values)
    {
        if (values.Count is 0 or > 14)
        {
            throw new ArgumentException("--channels: an ID-003 currency table holds 1 to 14 denominations (escrow codes 0x61..0x6E; 0x6F means a ticket).");
        }

        return [.. values.Select((value, i) => Id003Denomination.For((byte)(0x61 + i), Id003CountryCodes.Inr, value))];
    }
}
