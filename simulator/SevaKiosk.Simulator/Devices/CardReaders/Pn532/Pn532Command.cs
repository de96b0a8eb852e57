namespace SevaKiosk.Simulator.Devices.CardReaders.Pn532;

/// <summary>PN532 command codes (UM0701-02 §7) the simulator answers. The response code is the command code + 1.</summary>
public enum Pn532Command : byte
{
    Diagnose = 0x00,
    GetFirmwareVersion = 0x02,
    GetGeneralStatus = 0x04,
    ReadRegister = 0x06,
    WriteRegister = 0x08,
    ReadGpio = 0x0C,
    WriteGpio = 0x0E,
    SetParameters = 0x12,
    SamConfiguration = 0x14,
    PowerDown = 0x16,
    RfConfiguration = 0x32,
    InDataExchange = 0x40,
    InCommunicateThru = 0x42,
    InDeselect = 0x44,
    InListPassiveTarget = 0x4A,
    InRelease = 0x52,
    InSelect = 0x54,
}
