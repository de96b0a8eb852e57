using Microsoft.Extensions.Logging;

namespace SevaKiosk.Hal.Tests.Support;

/// <summary>Collects log lines so a failing test can say what the driver was doing.</summary>
public sealed class ListLogger<T> : ILogger<T>
{
    private readonly List<string> _lines = [];
    private readonly Func<string> _prefix;

    public ListLogger(Func<string>? prefix = null) => _prefix = prefix ?? (() => string.Empty);

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return _lines.ToArray();
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var line = $"{_prefix()} {logLevel}: {formatter(state, exception)}{(exception is null ? string.Empty : " " + exception.Message)}";
        lock (_lines)
        {
            _lines.Add(line);
        }
    }
}
