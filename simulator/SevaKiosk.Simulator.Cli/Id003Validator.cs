using SevaKiosk.Simulator.Control;
using SevaKiosk.Simulator.Devices.Validators.Id003;

namespace SevaKiosk.Simulator.Cli;

/// <summary><c>--protocol id003</c>: a simulated JCM acceptor with the default (field-observed) timings on the real clock.</summary>
internal static class Id003Validator
{
    public static ISimulatedDevice Create(ValidatorOptions options) => options.Encrypted || options.FixedKey is not null
        ? throw new ArgumentException("--encrypted and --fixed-key are SSP options; ID-003 has no encryption.")
        : new Id003SimulatedValidator(new Id003SimulatorOptions(), TimeProvider.System);
}
