namespace SevaKiosk.Protocol.Ssp;

/// <summary>The first data byte of every SSP reply.</summary>
public enum SspGenericResponse : byte
{
    Ok = 0xF0,
    CommandNotKnown = 0xF2,
    WrongNumberOfParameters = 0xF3,
    ParameterOutOfRange = 0xF4,
    CommandCannotBeProcessed = 0xF5,
    SoftwareError = 0xF6,
    Fail = 0xF8,
    KeyNotSet = 0xFA,
}

public static class SspGenericResponseNames
{
    public static string Of(byte code) => code switch
    {
        0xF0 => "OK",
        0xF2 => "COMMAND_NOT_KNOWN",
        0xF3 => "WRONG_NUMBER_OF_PARAMETERS",
        0xF4 => "PARAMETER_OUT_OF_RANGE",
        0xF5 => "COMMAND_CANNOT_BE_PROCESSED",
        0xF6 => "SOFTWARE_ERROR",
        0xF8 => "FAIL",
        0xFA => "KEY_NOT_SET",
        _ => $"UNKNOWN_RESPONSE_0x{code:X2}",
    };

    public static bool IsGeneric(byte code) => Enum.IsDefined((SspGenericResponse)code);
}
