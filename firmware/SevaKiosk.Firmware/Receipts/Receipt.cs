using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Firmware.Receipts;

/// <summary>
/// What a receipt says, independent of the printer: a list of elements in the language it is printed in. The
/// <see cref="ReceiptComposer"/> turns it into ESC/POS for one printer profile.
/// </summary>
public sealed record Receipt(IReadOnlyList<ReceiptElement> Elements);

public abstract record ReceiptElement;

public enum ReceiptAlign
{
    Left,
    Center,
    Right,
}

public enum ReceiptTextStyle
{
    Normal,
    Bold,

    /// <summary>Double size: headings and the amount paid.</summary>
    Large,

    /// <summary>Font B: fine print.</summary>
    Small,
}

/// <summary>A centred heading (double size).</summary>
public sealed record ReceiptHeading(string Text) : ReceiptElement;

/// <summary>A paragraph, wrapped to the paper width.</summary>
public sealed record ReceiptText(string Text, ReceiptAlign Align = ReceiptAlign.Left, ReceiptTextStyle Style = ReceiptTextStyle.Normal) : ReceiptElement;

/// <summary>A label on the left and its value on the right (on the next line when both do not fit).</summary>
public sealed record ReceiptField(string Label, string Value, bool Bold = false) : ReceiptElement;

/// <summary>An amount row: label left, amount right-aligned. <see cref="Total"/> prints bold and larger.</summary>
public sealed record ReceiptAmount(string Label, Money Amount, bool Total = false) : ReceiptElement;

/// <summary>A rule across the paper.</summary>
public sealed record ReceiptRule(bool Double = false) : ReceiptElement;

/// <summary>A centred QR code (native where the printer has it, an image otherwise) with an optional caption.</summary>
public sealed record ReceiptQr(string Data, string? Caption = null) : ReceiptElement;

/// <summary>A centred CODE128 barcode with its text below.</summary>
public sealed record ReceiptBarcode(string Data) : ReceiptElement;

/// <summary>Blank lines.</summary>
public sealed record ReceiptSpace(int Lines = 1) : ReceiptElement;
