using System.Globalization;

namespace SevaKiosk.Firmware.Agent.Connection;

/// <summary>A broker address from a URL: <c>mqtt://host[:1883]</c> or <c>mqtts://host[:8883]</c>.</summary>
public sealed record BrokerEndpoint(string Host, int Port, bool UseTls)
{
    public static BrokerEndpoint Parse(string url) =>
        TryParse(url, out var endpoint, out var error) ? endpoint : throw new FormatException(error);

    public static bool TryParse(string? url, out BrokerEndpoint endpoint, out string error)
    {
        endpoint = new BrokerEndpoint("localhost", 1883, false);
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            error = $"'{url}' is not a broker URL (mqtt://host:port or mqtts://host:port).";
            return false;
        }

        var tls = uri.Scheme switch
        {
            "mqtt" or "tcp" => (bool?)false,
            "mqtts" or "ssl" => true,
            _ => null,
        };
        if (tls is null || string.IsNullOrEmpty(uri.Host))
        {
            error = $"'{url}' must use mqtt:// or mqtts:// and name a host.";
            return false;
        }

        var port = uri.IsDefaultPort || uri.Port < 0 ? (tls.Value ? 8883 : 1883) : uri.Port;
        endpoint = new BrokerEndpoint(uri.Host, port, tls.Value);
        error = string.Empty;
        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{(UseTls ? "mqtts" : "mqtt")}://{Host}:{Port}");
}
