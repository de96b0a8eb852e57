namespace SevaKiosk.Protocol.Id003;

/// <summary>
/// Upper snake case names for traces and diagnostics. ID-003 reuses bytes across directions (0x11 is STATUS REQUEST
/// from the host and ENABLE (IDLING) from the acceptor; 0x41 is STACK-1 or POWER UP WITH BILL IN ACCEPTOR), so every
/// name depends on the direction the frame travelled.
/// </summary>
public static class Id003Names
{
    /// <summary>Name of a frame's command/status byte given the direction it travelled.</summary>
    public static string Of(Id003Direction direction, byte code) =>
        direction == Id003Direction.HostToAcceptor ? Command(code) : Status(code);

    /// <summary>Name of a frame plus the meaning of its data, for example <c>REJECTING(INHIBITED)</c>.</summary>
    public static string Describe(Id003Direction direction, byte code, ReadOnlySpan<byte> data)
    {
        var name = Of(direction, code);
        if (data.IsEmpty)
        {
            return name;
        }

        if (direction == Id003Direction.AcceptorToHost)
        {
            switch ((Id003Status)code)
            {
                case Id003Status.Escrow:
                    return $"{name}({Id003Escrow.Describe(data)})";
                case Id003Status.Rejecting:
                    return $"{name}({Id003RejectCodes.Name(data[0])})";
                case Id003Status.Failure:
                    return $"{name}({Id003FailureCodes.Name(data[0])})";
            }
        }

        return $"{name}({Convert.ToHexString(data)})";
    }

    /// <summary>Name of a host-to-acceptor command byte.</summary>
    public static string Command(byte code) => code switch
    {
        0x11 => "STATUS_REQUEST",
        0x50 => "ACK",
        0x40 => "RESET",
        0x41 => "STACK_1",
        0x42 => "STACK_2",
        0x43 => "RETURN",
        0x44 => "HOLD",
        0x45 => "WAIT",
        0xDC => "PROGRAM_SIGNATURE",
        0xC0 => "SET_ENABLE_DISABLE",
        0xC1 => "SET_SECURITY",
        0xC2 => "SET_COMMUNICATION_MODE",
        0xC3 => "SET_INHIBIT",
        0xC4 => "SET_DIRECTION",
        0xC5 => "SET_OPTIONAL_FUNCTION",
        0xC6 => "SET_BAR_CODE_FUNCTION",
        0xC7 => "SET_BAR_INHIBIT",
        0x80 => "REQUEST_ENABLE_DISABLE",
        0x81 => "REQUEST_SECURITY",
        0x82 => "REQUEST_COMMUNICATION_MODE",
        0x83 => "REQUEST_INHIBIT",
        0x84 => "REQUEST_DIRECTION",
        0x85 => "REQUEST_OPTIONAL_FUNCTION",
        0x86 => "REQUEST_BAR_CODE_FUNCTION",
        0x87 => "REQUEST_BAR_INHIBIT",
        0x88 => "VERSION_REQUEST",
        0x89 => "BOOT_VERSION_REQUEST",
        0x8A => "CURRENCY_ASSIGN_REQUEST",
        _ => $"UNKNOWN_COMMAND_0x{code:X2}",
    };

    /// <summary>Name of an acceptor-to-host status byte, including echoes of settings and replies to requests.</summary>
    public static string Status(byte code) => code switch
    {
        0x11 => "ENABLE_IDLING",
        0x12 => "ACCEPTING",
        0x13 => "ESCROW",
        0x14 => "STACKING",
        0x15 => "VEND_VALID",
        0x16 => "STACKED",
        0x17 => "REJECTING",
        0x18 => "RETURNING",
        0x19 => "HOLDING",
        0x1A => "DISABLE_INHIBIT",
        0x1B => "INITIALIZE",
        0x40 => "POWER_UP",
        0x41 => "POWER_UP_WITH_BILL_IN_ACCEPTOR",
        0x42 => "POWER_UP_WITH_BILL_IN_STACKER",
        0x43 => "STACKER_FULL",
        0x44 => "STACKER_OPEN",
        0x45 => "JAM_IN_ACCEPTOR",
        0x46 => "JAM_IN_STACKER",
        0x47 => "PAUSE",
        0x48 => "CHEATED",
        0x49 => "FAILURE",
        0x4A => "COMMUNICATION_ERROR",
        0x4B => "INVALID_COMMAND",
        0x50 => "ACK",
        0xDE => "PROGRAM_SIGNATURE_BUSY",
        0xDF => "PROGRAM_SIGNATURE_END",
        0xF0 => "EXTENSION",
        >= 0xC0 and <= 0xC7 => Command(code) + "_ECHO",
        0x80 => "ENABLE_DISABLE_SETTING",
        0x81 => "SECURITY_SETTING",
        0x82 => "COMMUNICATION_MODE_SETTING",
        0x83 => "INHIBIT_SETTING",
        0x84 => "DIRECTION_SETTING",
        0x85 => "OPTIONAL_FUNCTION_SETTING",
        0x86 => "BAR_CODE_FUNCTION_SETTING",
        0x87 => "BAR_INHIBIT_SETTING",
        0x88 => "VERSION",
        0x89 => "BOOT_VERSION",
        0x8A => "CURRENCY_ASSIGN",
        _ => $"UNKNOWN_STATUS_0x{code:X2}",
    };
}
