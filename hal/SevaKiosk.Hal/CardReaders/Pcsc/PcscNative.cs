using System.Runtime.InteropServices;

namespace SevaKiosk.Hal.CardReaders.Pcsc;

/// <summary>
/// P/Invoke to pcsc-lite's <c>libpcsclite.so.1</c> (the PCSC NuGet packages are not available to this project).
/// On Linux pcsc-lite declares DWORD as <c>unsigned long</c> and LONG/SCARDCONTEXT/SCARDHANDLE as <c>long</c>: 64-bit
/// on x64 and arm64, hence <see cref="nuint"/>/<see cref="nint"/> throughout (pcsclite.h, wintypes.h).
/// </summary>
internal static unsafe partial class PcscNative
{
    private const string Library = "libpcsclite.so.1";

    public const uint ScopeSystem = 2;
    public const uint ShareShared = 2;
    public const uint ProtocolT0 = 1;
    public const uint ProtocolT1 = 2;
    public const uint LeaveCard = 0;
    public const uint Infinite = 0xFFFFFFFF;

    public const uint StateUnaware = 0x0000;
    public const uint StateChanged = 0x0002;
    public const uint StateUnknown = 0x0004;
    public const uint StateUnavailable = 0x0008;
    public const uint StateEmpty = 0x0010;
    public const uint StatePresent = 0x0020;
    public const uint StateMute = 0x0200;

    public const int MaxAtrSize = 33;

    [StructLayout(LayoutKind.Sequential)]
    public struct ReaderState
    {
        public nint Reader;
        public nint UserData;
        public nuint CurrentState;
        public nuint EventState;
        public nuint AtrLength;
        public fixed byte Atr[MaxAtrSize];
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct IoRequest
    {
        public nuint Protocol;
        public nuint PciLength;
    }

    [LibraryImport(Library)]
    public static partial nint SCardEstablishContext(nuint scope, nint reserved1, nint reserved2, out nint context);

    [LibraryImport(Library)]
    public static partial nint SCardReleaseContext(nint context);

    [LibraryImport(Library)]
    public static partial nint SCardListReaders(nint context, byte* groups, byte* readers, ref nuint readersLength);

    [LibraryImport(Library)]
    public static partial nint SCardGetStatusChange(nint context, nuint timeout, ReaderState* states, nuint count);

    [LibraryImport(Library)]
    public static partial nint SCardCancel(nint context);

    [LibraryImport(Library)]
    public static partial nint SCardConnect(nint context, byte* reader, nuint shareMode, nuint preferredProtocols, out nint card, out nuint activeProtocol);

    [LibraryImport(Library)]
    public static partial nint SCardDisconnect(nint card, nuint disposition);

    [LibraryImport(Library)]
    public static partial nint SCardTransmit(nint card, IoRequest* sendPci, byte* send, nuint sendLength, IoRequest* receivePci, byte* receive, ref nuint receiveLength);

    [LibraryImport(Library)]
    public static partial nint SCardStatus(nint card, byte* readerName, ref nuint readerNameLength, out nuint state, out nuint protocol, byte* atr, ref nuint atrLength);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int setenv(string name, string value, int overwrite);
}

/// <summary>A PC/SC call failed. <see cref="Code"/> is the SCARD_E_/SCARD_W_ value (pcsclite.h).</summary>
public sealed class PcscException : Exception
{
    public PcscException()
    {
    }

    public PcscException(string message)
        : base(message)
    {
    }

    public PcscException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PcscException(string call, long code)
        : base($"{call} failed: {Describe(code)} (0x{code:X8})") => Code = code;

    public long Code { get; }

    public const long Cancelled = 0x80100002;
    public const long UnknownReader = 0x80100009;
    public const long Timeout = 0x8010000A;
    public const long NoSmartCard = 0x8010000C;
    public const long ReaderUnavailable = 0x80100017;
    public const long NoService = 0x8010001D;
    public const long ServiceStopped = 0x8010001E;
    public const long NoReadersAvailable = 0x8010002E;
    public const long UnresponsiveCard = 0x80100066;
    public const long UnpoweredCard = 0x80100067;
    public const long ResetCard = 0x80100068;
    public const long RemovedCard = 0x80100069;

    /// <summary>True when the card is no longer there (or no longer the same session).</summary>
    public bool CardGone => Code is RemovedCard or NoSmartCard or ResetCard or UnpoweredCard or UnresponsiveCard or ReaderUnavailable;

    /// <summary>True when pcscd itself is not reachable.</summary>
    public bool ServiceGone => Code is NoService or ServiceStopped;

    private static string Describe(long code) => code switch
    {
        Cancelled => "cancelled",
        UnknownReader => "unknown reader",
        Timeout => "timeout",
        NoSmartCard => "no smart card in the reader",
        ReaderUnavailable => "reader unavailable",
        NoService => "PC/SC service (pcscd) not running",
        ServiceStopped => "PC/SC service stopped",
        NoReadersAvailable => "no readers available",
        UnresponsiveCard => "card not responding to reset",
        UnpoweredCard => "card unpowered",
        ResetCard => "card was reset",
        RemovedCard => "card was removed",
        _ => "PC/SC error",
    };
}
