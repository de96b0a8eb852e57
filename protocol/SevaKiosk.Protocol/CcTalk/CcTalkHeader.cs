namespace SevaKiosk.Protocol.CcTalk;

/// <summary>
/// ccTalk headers a bill validator host uses (ccTalk generic specification part 3 numbering, as used by C4J, 4G and
/// dk.CctalkLib). Replies carry header 0 with their data; NAK (5) and BUSY (6) are the generic negative replies.
/// </summary>
public enum CcTalkHeader : byte
{
    /// <summary>Reply header: ACK when the data is empty, otherwise the requested data.</summary>
    Ack = 0,
    ResetDevice = 1,
    Nak = 5,
    Busy = 6,
    RequestEncryptionSupport = 111,
    RequestBillOperatingMode = 152,
    ModifyBillOperatingMode = 153,
    RouteBill = 154,

    /// <summary>UNCONFIRMED (named in code, no public description of its reply).</summary>
    RequestBillPosition = 155,
    RequestCountryScalingFactor = 156,
    RequestBillId = 157,
    ModifyBillId = 158,
    ReadBufferedBillEvents = 159,
    RequestBuildCode = 192,
    RequestMasterInhibitStatus = 227,
    ModifyMasterInhibitStatus = 228,
    RequestInhibitStatus = 230,
    ModifyInhibitStatus = 231,
    RequestSoftwareRevision = 241,
    RequestSerialNumber = 242,
    RequestProductCode = 244,
    RequestEquipmentCategoryId = 245,
    RequestManufacturerId = 246,
    SimplePoll = 254,
}

/// <summary>Wire names (upper snake case) for traces and diagnostics.</summary>
public static class CcTalkHeaderNames
{
    public static string Of(byte header) => header switch
    {
        0 => "ACK",
        1 => "RESET_DEVICE",
        5 => "NAK",
        6 => "BUSY",
        111 => "REQUEST_ENCRYPTION_SUPPORT",
        152 => "REQUEST_BILL_OPERATING_MODE",
        153 => "MODIFY_BILL_OPERATING_MODE",
        154 => "ROUTE_BILL",
        155 => "REQUEST_BILL_POSITION",
        156 => "REQUEST_COUNTRY_SCALING_FACTOR",
        157 => "REQUEST_BILL_ID",
        158 => "MODIFY_BILL_ID",
        159 => "READ_BUFFERED_BILL_EVENTS",
        192 => "REQUEST_BUILD_CODE",
        227 => "REQUEST_MASTER_INHIBIT_STATUS",
        228 => "MODIFY_MASTER_INHIBIT_STATUS",
        230 => "REQUEST_INHIBIT_STATUS",
        231 => "MODIFY_INHIBIT_STATUS",
        241 => "REQUEST_SOFTWARE_REVISION",
        242 => "REQUEST_SERIAL_NUMBER",
        244 => "REQUEST_PRODUCT_CODE",
        245 => "REQUEST_EQUIPMENT_CATEGORY_ID",
        246 => "REQUEST_MANUFACTURER_ID",
        254 => "SIMPLE_POLL",
        _ => $"UNKNOWN_{header}",
    };

    public static string Of(CcTalkHeader header) => Of((byte)header);

    public static bool IsKnown(byte header) => Enum.IsDefined((CcTalkHeader)header);
}
