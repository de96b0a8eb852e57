using System.Text;

namespace SevaKiosk.Protocol.Id003;

/// <summary>
/// The data of ESCROW (0x13): one escrow code naming a denomination in the acceptor's currency table (read with
/// CURRENCY ASSIGN REQUEST, never hard-coded), or 0x6F followed by the ASCII number of a bar-code ticket.
/// </summary>
/// <param name="EscrowCode">The escrow code byte.</param>
/// <param name="Ticket">The ticket number when <paramref name="EscrowCode"/> is 0x6F, otherwise null.</param>
public sealed record Id003Escrow(byte EscrowCode, string? Ticket)
{
    /// <summary>True for a bar-code ticket rather than a banknote.</summary>
    public bool IsTicket => EscrowCode == Id003Constants.TicketEscrowCode;

    /// <summary>Decodes ESCROW data.</summary>
    /// <exception cref="Id003DecodeException">No escrow code, a note code followed by extra bytes, or a ticket with
    /// no number or non-ASCII characters.</exception>
    public static Id003Escrow Parse(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            throw new Id003DecodeException("ESCROW without an escrow code.");
        }

        var code = data[0];
        if (code != Id003Constants.TicketEscrowCode)
        {
            return data.Length == 1
                ? new Id003Escrow(code, null)
                : throw new Id003DecodeException($"ESCROW code 0x{code:X2} followed by {data.Length - 1} unexpected bytes.");
        }

        var number = data[1..];
        if (number.IsEmpty)
        {
            throw new Id003DecodeException("ESCROW of a bar-code ticket without a ticket number.");
        }

        foreach (var b in number)
        {
            if (b is < 0x20 or > 0x7E)
            {
                throw new Id003DecodeException($"ESCROW ticket number contains the non-printable byte 0x{b:X2}.");
            }
        }

        return new Id003Escrow(code, Encoding.ASCII.GetString(number));
    }

    /// <summary>ESCROW data of a banknote.</summary>
    public static byte[] EncodeNote(byte escrowCode) => escrowCode == Id003Constants.TicketEscrowCode
        ? throw new ArgumentException("0x6F is the bar-code ticket escrow code; use EncodeTicket.", nameof(escrowCode))
        : [escrowCode];

    /// <summary>ESCROW data of a bar-code ticket: 0x6F and the ASCII number.</summary>
    public static byte[] EncodeTicket(string number)
    {
        ArgumentException.ThrowIfNullOrEmpty(number);
        if (number.Length > Id003Constants.MaxDataLength - 1 || number.Any(c => c is < ' ' or > '~'))
        {
            throw new ArgumentException($"A ticket number is 1..{Id003Constants.MaxDataLength - 1} printable ASCII characters.", nameof(number));
        }

        var data = new byte[1 + number.Length];
        data[0] = Id003Constants.TicketEscrowCode;
        Encoding.ASCII.GetBytes(number, data.AsSpan(1));
        return data;
    }

    /// <summary>Short text for traces: <c>0x63</c> or <c>TICKET 123456</c>; never throws.</summary>
    public static string Describe(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return "NO_CODE";
        }

        if (data[0] == Id003Constants.TicketEscrowCode && data.Length > 1)
        {
            return "TICKET " + Encoding.ASCII.GetString(data[1..]);
        }

        return data.Length == 1 ? $"0x{data[0]:X2}" : Convert.ToHexString(data);
    }

    public override string ToString() => IsTicket ? $"TICKET {Ticket}" : $"0x{EscrowCode:X2}";
}
