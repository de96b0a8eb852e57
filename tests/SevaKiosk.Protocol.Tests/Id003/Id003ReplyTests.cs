using SevaKiosk.Protocol.Id003;

namespace SevaKiosk.Protocol.Tests.Id003;

/// <summary>Which frames can answer which command: what lets a host drop a late reply instead of taking it.</summary>
public class Id003ReplyTests
{
    [Theory]
    [InlineData(0x11, 0x11, true)]  // STATUS REQUEST → ENABLE (the same bytes)
    [InlineData(0x11, 0x13, true)]  // → ESCROW
    [InlineData(0x11, 0xF0, true)]  // → a status the driver may not know, still a status
    [InlineData(0x11, 0x50, false)] // → ACK answers an operation, never a status request
    [InlineData(0x11, 0xC3, false)] // → a setting's echo
    [InlineData(0x11, 0x8A, false)] // → the currency table
    [InlineData(0x41, 0x50, true)]  // STACK-1 → ACK
    [InlineData(0x41, 0x41, false)] // → its own bytes: an adapter echo (or POWER UP WITH BILL IN ACCEPTOR, late)
    [InlineData(0x41, 0x1A, false)] // → a late status
    [InlineData(0x43, 0x4B, true)]  // RETURN → INVALID COMMAND
    [InlineData(0xC3, 0xC3, true)]  // SET INHIBIT → its echo
    [InlineData(0xC3, 0x1A, false)] // → a late DISABLE
    [InlineData(0x8A, 0x8A, true)]
    [InlineData(0x8A, 0x4A, true)]  // → COMMUNICATION ERROR
    [InlineData(0x88, 0x40, false)] // VERSION REQUEST → a late POWER UP
    [InlineData(0xDC, 0xDF, true)]  // PROGRAM SIGNATURE → end
    public void A_reply_must_be_one_the_command_can_get(byte command, byte reply, bool possible) =>
        Assert.Equal(possible, Id003Commands.IsPossibleReply(command, reply));

    [Fact]
    public void Command_codes_are_told_from_codes_only_the_acceptor_sends()
    {
        byte[] commands = [0x11, 0x50, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0xDC, 0xC0, 0xC7, 0x80, 0x87, 0x88, 0x89, 0x8A];
        byte[] acceptorOnly = [0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x4B, 0xDE, 0xDF, 0xF0];

        Assert.All(commands, c => Assert.True(Id003Commands.IsCommand(c), $"0x{c:X2}"));
        Assert.All(acceptorOnly, c => Assert.False(Id003Commands.IsCommand(c), $"0x{c:X2}"));
    }
}
