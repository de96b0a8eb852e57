using System.Globalization;
using System.Text;

namespace SevaKiosk.Firmware.Receipts;

/// <summary>A piece of a line drawn with one face.</summary>
public sealed record ScriptRun(string Text, ReceiptScript Script);

/// <summary>
/// Splits a line into script runs. Devanagari (U+0900–097F, U+A8E0–A8FF, U+1CD0–1CFF) and the joiners ZWJ/ZWNJ go to
/// the Devanagari face; other letters to the Latin face; spaces, digits, punctuation and symbols stay with the run they
/// are in (so "राशि: 100" is one run) unless that face lacks the glyph, when they go to the face that has it.
/// Whole grapheme clusters are kept together so a consonant never loses its matra to another run.
/// </summary>
public static class ScriptRuns
{
    public static bool IsDevanagari(int codePoint) =>
        codePoint is (>= 0x0900 and <= 0x097F) or (>= 0xA8E0 and <= 0xA8FF) or (>= 0x1CD0 and <= 0x1CFF) or 0x200C or 0x200D;

    /// <summary>True when <paramref name="text"/> has any Devanagari, i.e. must be printed as an image.</summary>
    public static bool HasDevanagari(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsDevanagari(rune.Value))
            {
                return true;
            }
        }

        return false;
    }

    public static IReadOnlyList<ScriptRun> Split(string text, ReceiptFonts fonts, bool bold)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fonts);
        var clusters = new List<(string Text, ReceiptScript? Strong)>();
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            var cluster = elements.GetTextElement();
            clusters.Add((cluster, StrongScript(cluster)));
        }

        // Neutral clusters take the script of the run before them, or after them at the start of the line.
        var scripts = new ReceiptScript[clusters.Count];
        ReceiptScript? current = clusters.FirstOrDefault(c => c.Strong is not null).Strong ?? ReceiptScript.Latin;
        for (var i = 0; i < clusters.Count; i++)
        {
            current = clusters[i].Strong ?? current;
            var script = current.Value;
            if (clusters[i].Strong is null && !Covers(fonts.Face(script, bold), clusters[i].Text))
            {
                var other = script == ReceiptScript.Latin ? ReceiptScript.Devanagari : ReceiptScript.Latin;
                if (Covers(fonts.Face(other, bold), clusters[i].Text))
                {
                    script = other;
                }
            }

            scripts[i] = script;
        }

        var runs = new List<ScriptRun>();
        var builder = new StringBuilder();
        for (var i = 0; i < clusters.Count; i++)
        {
            if (i > 0 && scripts[i] != scripts[i - 1])
            {
                runs.Add(new ScriptRun(builder.ToString(), scripts[i - 1]));
                builder.Clear();
            }

            builder.Append(clusters[i].Text);
        }

        if (builder.Length > 0)
        {
            runs.Add(new ScriptRun(builder.ToString(), scripts[^1]));
        }

        return runs;
    }

    private static ReceiptScript? StrongScript(string cluster)
    {
        foreach (var rune in cluster.EnumerateRunes())
        {
            if (IsDevanagari(rune.Value))
            {
                return ReceiptScript.Devanagari;
            }

            if (Rune.IsLetter(rune))
            {
                return ReceiptScript.Latin;
            }
        }

        return null;
    }

    private static bool Covers(ReceiptFace face, string cluster)
    {
        foreach (var rune in cluster.EnumerateRunes())
        {
            if (!face.Covers(rune.Value))
            {
                return false;
            }
        }

        return true;
    }
}
