using System.Text;
using SevaKiosk.Protocol.EscPos;
using ZXing;
using ZXing.Common;
using ZXing.QrCode.Internal;
using QrEncoder = ZXing.QrCode.Internal.Encoder;

namespace SevaKiosk.Simulator.Devices.Printers.EscPos;

/// <summary>
/// Turns barcode and QR commands into the module patterns a printer would draw: QR with ZXing's encoder (byte mode,
/// as ESC/POS stores raw bytes), CODE128 from the code values ESC/POS data selects (so the bars follow the code sets
/// the host chose), and the other linear symbologies with ZXing's writers.
/// </summary>
public static class SymbolImages
{
    /// <summary>The QR module matrix for <paramref name="data"/>, or null with a reason.</summary>
    public static bool[,]? Qr(ReadOnlySpan<byte> data, QrErrorCorrection level, out string? error)
    {
        try
        {
            var hints = new Dictionary<EncodeHintType, object>
            {
                [EncodeHintType.CHARACTER_SET] = "ISO-8859-1",
                [EncodeHintType.DISABLE_ECI] = true,
            };
            var ec = level switch
            {
                QrErrorCorrection.L => ErrorCorrectionLevel.L,
                QrErrorCorrection.Q => ErrorCorrectionLevel.Q,
                QrErrorCorrection.H => ErrorCorrectionLevel.H,
                _ => ErrorCorrectionLevel.M,
            };
            var code = QrEncoder.encode(Encoding.Latin1.GetString(data), ec, hints);
            var matrix = new bool[code.Matrix.Width, code.Matrix.Height];
            for (var y = 0; y < code.Matrix.Height; y++)
            {
                for (var x = 0; x < code.Matrix.Width; x++)
                {
                    matrix[x, y] = code.Matrix[x, y] == 1;
                }
            }

            error = null;
            return matrix;
        }
        catch (WriterException ex)
        {
            error = $"QR data cannot be encoded: {ex.Message}";
            return null;
        }
    }

    /// <summary>
    /// Modules (true = bar) of the <c>GS k</c> symbol <paramref name="type"/> with <paramref name="data"/>, and the
    /// human-readable text; null with a reason when the printer would refuse the data or the symbology is not drawn.
    /// </summary>
    public static bool[]? Linear(byte type, ReadOnlySpan<byte> data, out string text, out string? error)
    {
        text = Encoding.ASCII.GetString(data);
        if (type == 73)
        {
            if (!Code128.TryDecode(data, out var values, out text, out error))
            {
                return null;
            }

            var modules = new List<bool>();
            foreach (var value in values)
            {
                var bar = true;
                foreach (var width in Code128.Pattern(value))
                {
                    modules.AddRange(Enumerable.Repeat(bar, width - '0'));
                    bar = !bar;
                }
            }

            return [.. modules];
        }

        var format = type switch
        {
            0 or 65 => BarcodeFormat.UPC_A,
            1 or 66 => BarcodeFormat.UPC_E,
            2 or 67 => BarcodeFormat.EAN_13,
            3 or 68 => BarcodeFormat.EAN_8,
            4 or 69 => BarcodeFormat.CODE_39,
            5 or 70 => BarcodeFormat.ITF,
            6 or 71 => BarcodeFormat.CODABAR,
            72 => BarcodeFormat.CODE_93,
            _ => (BarcodeFormat?)null,
        };
        if (format is null)
        {
            error = $"barcode type {type} is not drawn by the emulator";
            return null;
        }

        try
        {
            var content = format == BarcodeFormat.CODE_39 ? text.Trim('*') : text;
            var matrix = new MultiFormatWriter().encode(content, format.Value, 1, 1, new Dictionary<EncodeHintType, object> { [EncodeHintType.MARGIN] = 0 });
            var modules = new bool[matrix.Width];
            for (var x = 0; x < matrix.Width; x++)
            {
                modules[x] = matrix[x, 0];
            }

            error = null;
            return modules;
        }
        catch (ArgumentException ex)
        {
            error = $"barcode type {type} refuses '{text}': {ex.Message}";
            return null;
        }
    }
}
