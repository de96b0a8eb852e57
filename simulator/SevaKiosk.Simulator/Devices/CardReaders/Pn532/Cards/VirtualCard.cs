using System.Text.Json.Nodes;

namespace SevaKiosk.Simulator.Devices.CardReaders.Pn532.Cards;

/// <summary>
/// A contactless card in the simulated reader's field. Cards answer what the PN532 relays to them: the PN532's
/// InDataExchange/InCommunicateThru status byte plus the card's reply bytes (CRC handled by the reader, as on the chip).
/// </summary>
public abstract class VirtualCard
{
    /// <summary>PN532 status: no error.</summary>
    public const byte StatusOk = 0x00;

    /// <summary>PN532 status 0x01: the target did not answer in time (also what a NAK or a missing card looks like).</summary>
    public const byte StatusTimeout = 0x01;

    /// <summary>PN532 status 0x14: MIFARE authentication error.</summary>
    public const byte StatusMifareAuthenticationError = 0x14;

    protected VirtualCard(byte[] uid)
    {
        if (uid.Length is not (4 or 7))
        {
            throw new ArgumentException($"A UID has 4 or 7 bytes, not {uid.Length}.", nameof(uid));
        }

        Uid = uid;
    }

    public byte[] Uid { get; }

    public string UidHex => Convert.ToHexString(Uid);

    /// <summary>ATQA (SENS_RES) as the binding reads it: big-endian from the two bytes the PN532 sends.</summary>
    public abstract ushort Atqa { get; }

    /// <summary>SAK (SEL_RES).</summary>
    public abstract byte Sak { get; }

    /// <summary>Kind for JSON, for example <c>ultralight</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>
    /// False after an event that puts a real card into HALT/IDLE (a failed MIFARE authentication): it answers nothing
    /// until the reader selects it again.
    /// </summary>
    public bool Active { get; private set; } = true;

    /// <summary>The reader (re)selected the card: ISO 14443-3 anticollision and SELECT succeeded.</summary>
    public virtual void Select() => Active = true;

    /// <summary>The reader deselected or released the card.</summary>
    public virtual void Deselect()
    {
    }

    /// <summary>Processes one command the reader relays. Returns the PN532 status byte and the card's answer.</summary>
    public (byte Status, byte[] Data) Exchange(ReadOnlySpan<byte> command)
    {
        if (!Active || command.IsEmpty)
        {
            return (StatusTimeout, []);
        }

        return Process(command);
    }

    protected abstract (byte Status, byte[] Data) Process(ReadOnlySpan<byte> command);

    protected void Halt() => Active = false;

    public virtual JsonObject Describe() => new()
    {
        ["uid"] = UidHex,
        ["type"] = Kind,
        ["atqa"] = Atqa.ToString("X4", System.Globalization.CultureInfo.InvariantCulture),
        ["sak"] = Sak.ToString("X2", System.Globalization.CultureInfo.InvariantCulture),
    };
}
