namespace SevaKiosk.Protocol.Id003;

/// <summary>Failure codes, the data byte of FAILURE (0x49) (fact sheet §2.5).</summary>
public enum Id003FailureCode : byte
{
    StackMotor = 0xA2,
    TransportMotorSpeed = 0xA5,
    TransportMotor = 0xA6,
    AligningMotor = 0xA7,

    /// <summary>Solenoid: added in a later revision; meaning UNCONFIRMED.</summary>
    Solenoid = 0xA8,

    /// <summary>PB unit: added in a later revision; meaning UNCONFIRMED.</summary>
    PbUnit = 0xA9,
    CashBoxNotReady = 0xAB,
    OpticalSensor = 0xAC,
    MagneticSensor = 0xAD,
    ValidatorHeadRemoved = 0xAF,
    BootRomFailure = 0xB0,
    ExternalRomFailure = 0xB1,

    /// <summary>ROM (one source) or RAM failure: UNCONFIRMED which.</summary>
    RomFailure = 0xB2,
    ExternalRomWritingFailure = 0xB3,
}

/// <summary>Names of failure codes.</summary>
public static class Id003FailureCodes
{
    /// <summary>Stable upper snake case name, used in JSON output, traces and telemetry.</summary>
    public static string Name(byte code) => code switch
    {
        0xA2 => "STACK_MOTOR",
        0xA5 => "TRANSPORT_MOTOR_SPEED",
        0xA6 => "TRANSPORT_MOTOR",
        0xA7 => "ALIGNING_MOTOR",
        0xA8 => "SOLENOID",
        0xA9 => "PB_UNIT",
        0xAB => "CASH_BOX_NOT_READY",
        0xAC => "OPTICAL_SENSOR",
        0xAD => "MAGNETIC_SENSOR",
        0xAF => "VALIDATOR_HEAD_REMOVED",
        0xB0 => "BOOT_ROM_FAILURE",
        0xB1 => "EXTERNAL_ROM_FAILURE",
        0xB2 => "ROM_FAILURE",
        0xB3 => "EXTERNAL_ROM_WRITING_FAILURE",
        _ => $"UNKNOWN_FAILURE_0x{code:X2}",
    };
}
