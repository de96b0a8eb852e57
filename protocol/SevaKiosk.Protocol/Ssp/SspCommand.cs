namespace SevaKiosk.Protocol.Ssp;

/// <summary>SSP command codes used by pay-in banknote validators (ITL GA138 command table).</summary>
public enum SspCommand : byte
{
    Reset = 0x01,
    SetInhibits = 0x02,
    DisplayOn = 0x03,
    DisplayOff = 0x04,
    SetupRequest = 0x05,
    HostProtocolVersion = 0x06,
    Poll = 0x07,
    Reject = 0x08,
    Disable = 0x09,
    Enable = 0x0A,
    GetSerialNumber = 0x0C,
    UnitData = 0x0D,
    ChannelValueRequest = 0x0E,
    ChannelSecurityData = 0x0F,
    ChannelReteachData = 0x10,
    Sync = 0x11,
    LastRejectCode = 0x17,
    Hold = 0x18,
    GetFirmwareVersion = 0x20,
    GetDatasetVersion = 0x21,
    SetGenerator = 0x4A,
    SetModulus = 0x4B,
    RequestKeyExchange = 0x4C,
    SetBaudRate = 0x4D,
    GetBuildRevision = 0x4F,
    ConfigureBezel = 0x54,
    PollWithAck = 0x56,
    EventAck = 0x57,
    GetCounters = 0x58,
    ResetCounters = 0x59,
    SetFixedEncryptionKey = 0x60,
    ResetFixedEncryptionKey = 0x61,
}

/// <summary>Wire names (upper snake case, as in the fact sheet) for commands, used by traces and diagnostics.</summary>
public static class SspCommandNames
{
    public static string Of(byte code) => code switch
    {
        0x01 => "RESET",
        0x02 => "SET_INHIBITS",
        0x03 => "DISPLAY_ON",
        0x04 => "DISPLAY_OFF",
        0x05 => "SETUP_REQUEST",
        0x06 => "HOST_PROTOCOL_VERSION",
        0x07 => "POLL",
        0x08 => "REJECT",
        0x09 => "DISABLE",
        0x0A => "ENABLE",
        0x0C => "GET_SERIAL_NUMBER",
        0x0D => "UNIT_DATA",
        0x0E => "CHANNEL_VALUE_REQUEST",
        0x0F => "CHANNEL_SECURITY_DATA",
        0x10 => "CHANNEL_RETEACH_DATA",
        0x11 => "SYNC",
        0x17 => "LAST_REJECT_CODE",
        0x18 => "HOLD",
        0x20 => "GET_FIRMWARE_VERSION",
        0x21 => "GET_DATASET_VERSION",
        0x4A => "SET_GENERATOR",
        0x4B => "SET_MODULUS",
        0x4C => "REQUEST_KEY_EXCHANGE",
        0x4D => "SET_BAUD_RATE",
        0x4F => "GET_BUILD_REVISION",
        0x54 => "CONFIGURE_BEZEL",
        0x56 => "POLL_WITH_ACK",
        0x57 => "EVENT_ACK",
        0x58 => "GET_COUNTERS",
        0x59 => "RESET_COUNTERS",
        0x60 => "SET_FIXED_ENCRYPTION_KEY",
        0x61 => "RESET_FIXED_ENCRYPTION_KEY",
        SspConstants.Stex => "ENCRYPTED",
        _ => $"UNKNOWN_0x{code:X2}",
    };

    public static bool IsKnown(byte code) => Enum.IsDefined((SspCommand)code);
}
