using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Hal.CardReaders.Pcsc;

/// <summary>Configuration of the contact (PC/SC) card reader (section <c>ContactCardReader</c>).</summary>
public sealed record PcscCardReaderOptions
{
    public const string Section = "ContactCardReader";

    public string Name { get; init; } = "contact-card-reader";

    /// <summary>Reader name, or a part of it (for example <c>CCID</c>); null takes the first reader pcscd lists.</summary>
    public string? Reader { get; init; }

    /// <summary>AID of the citizen application, hex (5-16 bytes). Default: the SevaKiosk citizen application.</summary>
    public string CitizenAid { get; init; } = "F0534556414B494F534B01";

    /// <summary>pcscd socket, when not the system one (<c>/run/pcscd/pcscd.comm</c>).</summary>
    public string? SocketPath { get; init; }

    /// <summary>How long to wait before looking for pcscd or the reader again.</summary>
    public TimeSpan ReconnectInterval { get; init; } = TimeSpan.FromSeconds(2);

    public void Validate(string section = Section)
    {
        if (Reader is not null && string.IsNullOrWhiteSpace(Reader))
        {
            throw new DeviceConfigurationException($"{section}:Reader", "must name a reader, or be left out to take the first one");
        }

        if (CitizenAid.Length is < 10 or > 32 || CitizenAid.Length % 2 != 0 || !CitizenAid.All(Uri.IsHexDigit))
        {
            throw new DeviceConfigurationException($"{section}:CitizenAid", "must be 5 to 16 bytes of hexadecimal");
        }

        if (SocketPath is not null && !File.Exists(SocketPath))
        {
            throw new DeviceConfigurationException($"{section}:SocketPath", $"no pcscd socket at {SocketPath}");
        }

        if (ReconnectInterval <= TimeSpan.Zero)
        {
            throw new DeviceConfigurationException($"{section}:ReconnectInterval", "must be positive");
        }
    }
}
