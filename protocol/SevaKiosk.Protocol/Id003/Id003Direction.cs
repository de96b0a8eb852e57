namespace SevaKiosk.Protocol.Id003;

/// <summary>Which way a frame travelled. The same bytes mean different things in each direction (fact sheet §2.2).</summary>
public enum Id003Direction
{
    /// <summary>Controller (host, kiosk) to acceptor: a command.</summary>
    HostToAcceptor,

    /// <summary>Acceptor to controller: a status, ACK, echo or reply.</summary>
    AcceptorToHost,
}
