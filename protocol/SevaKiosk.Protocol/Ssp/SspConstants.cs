namespace SevaKiosk.Protocol.Ssp;

/// <summary>Framing constants of ITL SSP (GA138).</summary>
public static class SspConstants
{
    /// <summary>Start of packet; any 0x7F after it is doubled on the wire.</summary>
    public const byte Stx = 0x7F;

    /// <summary>First data byte of an encrypted (eSSP) packet.</summary>
    public const byte Stex = 0x7E;

    /// <summary>Bit 7 of the SEQ/ID byte: toggled by the host for every new command.</summary>
    public const byte SequenceFlag = 0x80;

    /// <summary>Largest valid slave id (bits 6..0 of SEQ/ID).</summary>
    public const byte MaxSlaveId = 0x7D;

    /// <summary>LEN counts data bytes only, so 255 is the most a packet can carry.</summary>
    public const int MaxDataLength = 255;

    /// <summary>Unstuffed packet: STX, SEQ/ID, LEN, data, CRC low, CRC high.</summary>
    public const int MaxPacketLength = 1 + 1 + 1 + MaxDataLength + 2;

    /// <summary>Worst case on the wire: every byte after STX doubled.</summary>
    public const int MaxWireLength = 1 + (MaxPacketLength - 1) * 2;

    /// <summary>Banknote validators answer on address 0 unless configured otherwise.</summary>
    public const byte DefaultValidatorAddress = 0x00;

    public static byte SeqId(bool sequenceFlag, byte slaveId) =>
        (byte)((sequenceFlag ? SequenceFlag : 0) | (slaveId & 0x7F));

    public static bool SequenceFlagOf(byte seqId) => (seqId & SequenceFlag) != 0;

    public static byte SlaveIdOf(byte seqId) => (byte)(seqId & 0x7F);
}
