namespace SevaKiosk.Protocol.Id003;

/// <summary>
/// Commands from the controller (host) to the acceptor (fact sheet §2.6). Several are byte-identical to acceptor
/// statuses (RESET = POWER UP, STACK-1 = POWER UP WITH BILL IN ACCEPTOR ...): name frames with
/// <see cref="Id003Names.Of(Id003Direction, byte)"/>, never by the byte alone.
/// </summary>
public enum Id003Command : byte
{
    StatusRequest = 0x11,

    /// <summary>Host's answer to VEND VALID. The acceptor does not reply to it.</summary>
    Ack = 0x50,

    // Operation commands: answered with ACK (0x50) when allowed, INVALID COMMAND (0x4B) otherwise.
    Reset = 0x40,
    Stack1 = 0x41,
    Stack2 = 0x42,
    Return = 0x43,
    Hold = 0x44,

    /// <summary>Answered with ACK; exact semantics UNCONFIRMED.</summary>
    Wait = 0x45,

    /// <summary>Answered with PROGRAM SIGNATURE busy/end (0xDE/0xDF).</summary>
    ProgramSignature = 0xDC,

    // Setting commands: the acceptor echoes command and data.
    SetEnableDisable = 0xC0,
    SetSecurity = 0xC1,
    SetCommunicationMode = 0xC2,
    SetInhibit = 0xC3,
    SetDirection = 0xC4,
    SetOptionalFunction = 0xC5,
    SetBarcodeFunction = 0xC6,
    SetBarInhibit = 0xC7,

    // Setting status requests: answered with the same code and the current setting.
    RequestEnableDisable = 0x80,
    RequestSecurity = 0x81,
    RequestCommunicationMode = 0x82,
    RequestInhibit = 0x83,
    RequestDirection = 0x84,
    RequestOptionalFunction = 0x85,
    RequestBarcodeFunction = 0x86,
    RequestBarInhibit = 0x87,

    VersionRequest = 0x88,
    BootVersionRequest = 0x89,
    CurrencyAssignRequest = 0x8A,
}

/// <summary>Facts about commands that both the driver and the simulator need.</summary>
public static class Id003Commands
{
    /// <summary>Offset between a setting command (0xC0..0xC7) and its status request (0x80..0x87).</summary>
    private const byte SettingToRequest = 0x40;

    /// <summary>True for the setting commands 0xC0..0xC7, which the acceptor echoes.</summary>
    public static bool IsSetting(byte code) => code is >= 0xC0 and <= 0xC7;

    /// <summary>True for the setting status requests 0x80..0x87.</summary>
    public static bool IsSettingRequest(byte code) => code is >= 0x80 and <= 0x87;

    /// <summary>True for the requests 0x80..0x8A (setting status, version, boot version, currency assignment), which
    /// the acceptor answers with the same code and the data asked for.</summary>
    public static bool IsRequest(byte code) => code is >= 0x80 and <= 0x8A;

    /// <summary>True for the commands the acceptor answers with ACK (RESET, STACK-1/2, RETURN, HOLD, WAIT).</summary>
    public static bool IsOperation(byte code) => code is >= 0x40 and <= 0x45;

    /// <summary>True for the commands the host sends (everything else on the line can only come from the acceptor).</summary>
    public static bool IsCommand(byte code) =>
        code is (byte)Id003Command.StatusRequest or (byte)Id003Command.Ack or (byte)Id003Command.ProgramSignature
        || IsOperation(code) || IsSetting(code) || IsRequest(code);

    /// <summary>
    /// Whether a frame with code <paramref name="reply"/> can be the acceptor's answer to <paramref name="command"/>:
    /// a status to STATUS REQUEST, ACK to an operation, the same code to a setting or request, COMMUNICATION ERROR or
    /// INVALID COMMAND to anything. A frame that cannot is a late answer to an earlier command (or an echo), never
    /// this command's reply.
    /// </summary>
    public static bool IsPossibleReply(byte command, byte reply)
    {
        if (reply is (byte)Id003Status.CommunicationError or (byte)Id003Status.InvalidCommand)
        {
            return true;
        }

        if (command == (byte)Id003Command.StatusRequest)
        {
            // Any status, even one a driver does not know; never ACK or the answer to a setting or request.
            return reply != (byte)Id003Status.Ack && !IsSetting(reply) && !IsRequest(reply);
        }

        if (IsOperation(command))
        {
            return reply == (byte)Id003Status.Ack;
        }

        return command == (byte)Id003Command.ProgramSignature
            ? reply is (byte)Id003Status.ProgramSignatureBusy or (byte)Id003Status.ProgramSignatureEnd
            : reply == command;
    }

    /// <summary>The status request (0x80..0x87) that reads back a setting command (0xC0..0xC7).</summary>
    public static Id003Command RequestFor(Id003Command setting) => IsSetting((byte)setting)
        ? (Id003Command)((byte)setting - SettingToRequest)
        : throw new ArgumentOutOfRangeException(nameof(setting), setting, "Not a setting command (0xC0..0xC7).");

    /// <summary>The setting command (0xC0..0xC7) a status request (0x80..0x87) reads back.</summary>
    public static Id003Command SettingFor(Id003Command request) => IsSettingRequest((byte)request)
        ? (Id003Command)((byte)request + SettingToRequest)
        : throw new ArgumentOutOfRangeException(nameof(request), request, "Not a setting status request (0x80..0x87).");

    /// <summary>
    /// Data bytes a setting command carries (fact sheet §2.6): C0, C1, C5 and C6 take two bytes, the others one;
    /// -1 for codes that are not setting commands.
    /// </summary>
    public static int SettingDataLength(byte code) => code switch
    {
        0xC0 or 0xC1 or 0xC5 or 0xC6 => 2,
        0xC2 or 0xC3 or 0xC4 or 0xC7 => 1,
        _ => -1,
    };

    /// <summary>SET INHIBIT data: 0x00 lets the acceptor take notes, 0x01 inhibits it.</summary>
    public static byte InhibitData(bool inhibited) => inhibited ? (byte)0x01 : (byte)0x00;
}
