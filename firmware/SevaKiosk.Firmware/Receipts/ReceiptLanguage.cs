namespace SevaKiosk.Firmware.Receipts;

/// <summary>The language a receipt is printed in.</summary>
public enum ReceiptLanguage
{
    Hindi,
    English,

    /// <summary>Both: every label as "हिन्दी / English".</summary>
    HindiEnglish,
}

/// <summary>Text in both languages; <see cref="In"/> picks what a receipt in a given language shows.</summary>
public sealed record Bilingual(string Hindi, string English)
{
    public string In(ReceiptLanguage language) => language switch
    {
        ReceiptLanguage.Hindi => Hindi,
        ReceiptLanguage.English => English,
        _ => string.Equals(Hindi, English, StringComparison.Ordinal) ? English : $"{Hindi} / {English}",
    };
}

public static class ReceiptLanguages
{
    /// <summary>The command-line and configuration names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["hi", "en", "hi+en"];

    /// <exception cref="ArgumentException">Not one of hi, en, hi+en.</exception>
    public static ReceiptLanguage Parse(string name) => name switch
    {
        "hi" => ReceiptLanguage.Hindi,
        "en" => ReceiptLanguage.English,
        "hi+en" or "en+hi" => ReceiptLanguage.HindiEnglish,
        _ => throw new ArgumentException($"Unknown receipt language '{name}': use hi, en or hi+en.", nameof(name)),
    };

    public static string Name(this ReceiptLanguage language) => language switch
    {
        ReceiptLanguage.Hindi => "hi",
        ReceiptLanguage.English => "en",
        _ => "hi+en",
    };
}
