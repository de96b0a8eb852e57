using System.Runtime.InteropServices;
using System.Text;

namespace SevaKiosk.Hal.CardReaders.Pcsc;

/// <summary>What <see cref="PcscContext.WaitForChange"/> saw for one reader.</summary>
public readonly record struct PcscReaderState(string Reader, bool Present, bool Mute, bool Unavailable, byte[] Atr, uint EventCounter);

/// <summary>
/// One PC/SC context (SCardEstablishContext … SCardReleaseContext). Not thread-safe except <see cref="Cancel"/>, which
/// another thread calls to end a blocking <see cref="WaitForChange"/>.
/// </summary>
public sealed unsafe class PcscContext : IDisposable
{
    private static readonly object SocketGate = new();
    private static string? _socketPath;
    private nint _context;

    private PcscContext(nint context) => _context = context;

    /// <summary>
    /// Points this process's libpcsclite at a private pcscd socket (PCSCLITE_CSOCK_NAME). The library reads the variable
    /// once, at its first call, so this must run before any context is established, and only one path per process.
    /// </summary>
    public static void UseSocket(string path)
    {
        lock (SocketGate)
        {
            if (_socketPath == path)
            {
                return;
            }

            if (_socketPath is not null)
            {
                throw new InvalidOperationException($"libpcsclite already uses {_socketPath}; a process can talk to one pcscd only.");
            }

            if (PcscNative.setenv("PCSCLITE_CSOCK_NAME", path, 1) != 0)
            {
                throw new InvalidOperationException($"setenv PCSCLITE_CSOCK_NAME failed (errno {Marshal.GetLastPInvokeError()}).");
            }

            _socketPath = path;
        }
    }

    public static PcscContext Establish()
    {
        var rc = PcscNative.SCardEstablishContext(PcscNative.ScopeSystem, 0, 0, out var context);
        Check(rc, "SCardEstablishContext");
        return new PcscContext(context);
    }

    /// <summary>Reader names; empty when pcscd knows none.</summary>
    public IReadOnlyList<string> ListReaders()
    {
        nuint length = 0;
        var rc = PcscNative.SCardListReaders(_context, null, null, ref length);
        if ((long)rc == PcscException.NoReadersAvailable)
        {
            return [];
        }

        Check(rc, "SCardListReaders");
        var buffer = new byte[(int)length];
        fixed (byte* p = buffer)
        {
            rc = PcscNative.SCardListReaders(_context, null, p, ref length);
        }

        if ((long)rc == PcscException.NoReadersAvailable)
        {
            return [];
        }

        Check(rc, "SCardListReaders");

        // A multi-string: names separated by NUL, ended by an empty name.
        return Encoding.UTF8.GetString(buffer, 0, (int)length).Split('\0', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>
    /// Blocks until <paramref name="reader"/>'s state differs from <paramref name="known"/> (null = unaware, returns at
    /// once), the timeout passes (returns null) or <see cref="Cancel"/> is called (throws with <see cref="PcscException.Cancelled"/>).
    /// </summary>
    public PcscReaderState? WaitForChange(string reader, PcscReaderState? known, TimeSpan? timeout)
    {
        var name = Marshal.StringToCoTaskMemUTF8(reader);
        try
        {
            var state = new PcscNative.ReaderState
            {
                Reader = name,
                CurrentState = known is { } k ? (nuint)(Encode(k) | ((nuint)k.EventCounter << 16)) : PcscNative.StateUnaware,
            };
            var ms = timeout is { } t ? (nuint)Math.Clamp((long)t.TotalMilliseconds, 0, uint.MaxValue - 1) : PcscNative.Infinite;
            var rc = PcscNative.SCardGetStatusChange(_context, ms, &state, 1);
            if ((long)rc == PcscException.Timeout)
            {
                return null;
            }

            Check(rc, "SCardGetStatusChange");
            var events = (uint)state.EventState;
            var atr = new byte[Math.Min((int)state.AtrLength, PcscNative.MaxAtrSize)];
            for (var i = 0; i < atr.Length; i++)
            {
                atr[i] = state.Atr[i];
            }

            return new PcscReaderState(
                reader,
                (events & PcscNative.StatePresent) != 0,
                (events & PcscNative.StateMute) != 0,
                (events & (PcscNative.StateUnavailable | PcscNative.StateUnknown)) != 0,
                atr,
                events >> 16);
        }
        finally
        {
            Marshal.FreeCoTaskMem(name);
        }
    }

    /// <summary>Ends a blocking <see cref="WaitForChange"/> on another thread.</summary>
    public void Cancel()
    {
        var context = _context;
        if (context != 0)
        {
            PcscNative.SCardCancel(context);
        }
    }

    /// <summary>Connects to the card in <paramref name="reader"/> (shared, T=0 or T=1).</summary>
    public PcscCard Connect(string reader)
    {
        var name = Marshal.StringToCoTaskMemUTF8(reader);
        try
        {
            var rc = PcscNative.SCardConnect(_context, (byte*)name, PcscNative.ShareShared, PcscNative.ProtocolT0 | PcscNative.ProtocolT1, out var card, out var protocol);
            Check(rc, "SCardConnect");
            return new PcscCard(card, (uint)protocol);
        }
        finally
        {
            Marshal.FreeCoTaskMem(name);
        }
    }

    public void Dispose()
    {
        var context = Interlocked.Exchange(ref _context, 0);
        if (context != 0)
        {
            PcscNative.SCardReleaseContext(context);
        }
    }

    internal static void Check(nint rc, string call)
    {
        if (rc != 0)
        {
            throw new PcscException(call, (long)(ulong)(nuint)rc & 0xFFFFFFFF);
        }
    }

    private static uint Encode(PcscReaderState state) =>
        state.Unavailable ? PcscNative.StateUnavailable
        : state.Present ? PcscNative.StatePresent | (state.Mute ? PcscNative.StateMute : 0)
        : PcscNative.StateEmpty;
}

/// <summary>A connected card (SCardConnect … SCardDisconnect). <see cref="Transmit"/> is one raw exchange.</summary>
public sealed unsafe class PcscCard : IDisposable
{
    private nint _card;

    internal PcscCard(nint card, uint protocol)
    {
        _card = card;
        Protocol = protocol;
    }

    /// <summary>1 = T=0, 2 = T=1.</summary>
    public uint Protocol { get; }

    /// <summary>The card's answer-to-reset (SCardStatus).</summary>
    public byte[] Atr
    {
        get
        {
            var atr = new byte[PcscNative.MaxAtrSize];
            nuint atrLength = (nuint)atr.Length;
            nuint nameLength = 0;
            fixed (byte* p = atr)
            {
                var rc = PcscNative.SCardStatus(_card, null, ref nameLength, out _, out _, p, ref atrLength);
                PcscContext.Check(rc, "SCardStatus");
            }

            return atr[..(int)atrLength];
        }
    }

    /// <summary>Sends one command APDU and returns the response APDU (data + SW1 SW2), with no status-word handling.</summary>
    public byte[] Transmit(byte[] command)
    {
        var response = new byte[258 + 2];
        nuint length = (nuint)response.Length;
        var pci = new PcscNative.IoRequest { Protocol = Protocol, PciLength = (nuint)sizeof(PcscNative.IoRequest) };
        fixed (byte* send = command)
        fixed (byte* receive = response)
        {
            var rc = PcscNative.SCardTransmit(_card, &pci, send, (nuint)command.Length, null, receive, ref length);
            PcscContext.Check(rc, "SCardTransmit");
        }

        return response[..(int)length];
    }

    public void Dispose()
    {
        var card = Interlocked.Exchange(ref _card, 0);
        if (card != 0)
        {
            PcscNative.SCardDisconnect(card, PcscNative.LeaveCard);
        }
    }
}
