namespace SevaKiosk.Hal.Links;

/// <summary>
/// Opens the duplex byte stream a serial driver talks over. Drivers never touch <c>SerialPort</c>: in production the
/// stream is a serial port's <c>BaseStream</c>, in tests one end of an in-process pair or a pseudo-terminal, so the
/// same driver runs unchanged against the simulator. A driver calls <see cref="OpenAsync"/> again to reconnect.
/// </summary>
public interface IByteLinkFactory
{
    /// <summary>For logs and faults, for example the port path.</summary>
    string Description { get; }

    /// <summary>Opens the link. Throws <see cref="IOException"/> (or <see cref="UnauthorizedAccessException"/>) when it cannot.</summary>
    ValueTask<Stream> OpenAsync(CancellationToken cancellationToken);
}

/// <summary>A link over a stream someone else creates (in-process pairs, sockets, tests).</summary>
public sealed class StreamLinkFactory : IByteLinkFactory
{
    private readonly Func<CancellationToken, ValueTask<Stream>> _open;

    public StreamLinkFactory(string description, Func<CancellationToken, ValueTask<Stream>> open)
    {
        Description = description;
        _open = open;
    }

    /// <summary>A link that is always the same stream; reconnecting yields it again (it is not disposed by the driver).</summary>
    public static StreamLinkFactory Fixed(Stream stream, string description = "stream") =>
        new(description, _ => ValueTask.FromResult<Stream>(new NonClosingStream(stream)));

    public string Description { get; }

    public ValueTask<Stream> OpenAsync(CancellationToken cancellationToken) => _open(cancellationToken);
}
