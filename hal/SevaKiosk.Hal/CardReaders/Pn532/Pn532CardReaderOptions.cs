using System.Globalization;
using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Hal.CardReaders.Pn532;

/// <summary>A MIFARE Classic key for one sector: 12 hex digits, used as key A unless <see cref="IsKeyB"/>.</summary>
public sealed record MifareSectorKey(int Sector, string Key, bool IsKeyB = false);

/// <summary>Configuration of the contactless reader (section <c>CardReader</c>). Checked by <see cref="Validate"/> at start.</summary>
public sealed record Pn532CardReaderOptions
{
    public const string Section = "CardReader";

    /// <summary>Device name in faults and telemetry.</summary>
    public string Name { get; init; } = "card-reader";

    /// <summary>Serial port of the PN532 in HSU mode, for example <c>/dev/serial/by-id/usb-...-if00-port0</c>.</summary>
    public string? Port { get; init; }

    /// <summary>How often the field is polled for a card.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long to wait before trying an absent or silent reader again.</summary>
    public TimeSpan ReconnectInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How many times a read is tried while the card stays in the field.</summary>
    public int ReadAttempts { get; init; } = 3;

    /// <summary>Keys for MIFARE Classic sectors; a sector without one is tried with the transport key FFFFFFFFFFFF.</summary>
    public IReadOnlyList<MifareSectorKey> MifareKeys { get; init; } = [];

    /// <summary>
    /// MIFARE Classic blocks that hold the citizen text when the card carries no NDEF message (read with
    /// <see cref="MifareKeys"/>, concatenated, decoded as UTF-8).
    /// </summary>
    public IReadOnlyList<int> CitizenBlocks { get; init; } = [];

    /// <summary>Throws <see cref="DeviceConfigurationException"/> naming the key at fault.</summary>
    public void Validate(string section = Section, bool requirePortToExist = true)
    {
        if (string.IsNullOrWhiteSpace(Port))
        {
            throw new DeviceConfigurationException($"{section}:Port", "required: the serial port of the PN532 (HSU mode)");
        }

        if (requirePortToExist && !File.Exists(Port))
        {
            throw new DeviceConfigurationException($"{section}:Port", $"unknown port {Port} (no such device)");
        }

        if (PollInterval <= TimeSpan.Zero)
        {
            throw new DeviceConfigurationException($"{section}:PollInterval", "must be positive");
        }

        if (ReconnectInterval <= TimeSpan.Zero)
        {
            throw new DeviceConfigurationException($"{section}:ReconnectInterval", "must be positive");
        }

        if (ReadAttempts < 1)
        {
            throw new DeviceConfigurationException($"{section}:ReadAttempts", "must be at least 1");
        }

        for (var i = 0; i < MifareKeys.Count; i++)
        {
            var key = MifareKeys[i];
            if (key.Sector is < 0 or > 39)
            {
                throw new DeviceConfigurationException($"{section}:MifareKeys:{i}:Sector", $"{key.Sector} is not a MIFARE Classic sector (0-39)");
            }

            if (key.Key is null || key.Key.Length != 12 || !key.Key.All(Uri.IsHexDigit))
            {
                throw new DeviceConfigurationException($"{section}:MifareKeys:{i}:Key", "must be 12 hexadecimal digits");
            }
        }

        for (var i = 0; i < CitizenBlocks.Count; i++)
        {
            var block = CitizenBlocks[i];
            if (block is <= 0 or > 255 || (block < 128 ? block % 4 == 3 : block % 16 == 15))
            {
                throw new DeviceConfigurationException(
                    $"{section}:CitizenBlocks:{i}",
                    string.Create(CultureInfo.InvariantCulture, $"{block} is not a data block (block 0 and sector trailers are not)"));
            }
        }
    }

    internal byte[] KeyFor(int sector, out bool isKeyB)
    {
        var configured = MifareKeys.FirstOrDefault(k => k.Sector == sector);
        isKeyB = configured?.IsKeyB ?? false;
        return configured is null ? [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] : Convert.FromHexString(configured.Key);
    }
}
