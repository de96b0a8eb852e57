using SevaKiosk.Simulator.Control;

namespace SevaKiosk.Simulator.Cli;

/// <summary>Creates the simulated validator for a protocol name.</summary>
internal static class ValidatorFactory
{
    public static readonly string[] Protocols = ["ssp", "id003", "cctalk"];

    public static ISimulatedDevice Create(ValidatorOptions options) => options.Protocol switch
    {
        "id003" => Id003Validator.Create(options),
        _ => throw new ArgumentException($"The {options.Protocol} validator simulator is not available in this build."),
    };
}
