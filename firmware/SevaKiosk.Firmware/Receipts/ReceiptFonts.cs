using SkiaSharp;
using SkiaSharp.HarfBuzz;

namespace SevaKiosk.Firmware.Receipts;

/// <summary>
/// The TrueType faces shaped receipt lines are drawn with: Noto Sans Devanagari for Devanagari runs and Noto Sans for
/// the Latin rest of a mixed line (Debian's Devanagari face has no Latin letters). Loaded by file path from a
/// configurable folder, so the device bundle can carry its own copies; a missing file fails with its name.
/// </summary>
public sealed class ReceiptFonts : IDisposable
{
    /// <summary>Where Debian's <c>fonts-noto-core</c> installs them.</summary>
    public const string DefaultDirectory = "/usr/share/fonts/truetype/noto";

    public const string DevanagariRegularFile = "NotoSansDevanagari-Regular.ttf";
    public const string DevanagariBoldFile = "NotoSansDevanagari-Bold.ttf";
    public const string LatinRegularFile = "NotoSans-Regular.ttf";
    public const string LatinBoldFile = "NotoSans-Bold.ttf";

    /// <summary>The folder, beside the program, where a device bundle (<c>kioskctl bundle</c>) carries its own copies.</summary>
    public const string BundledDirectoryName = "fonts";

    public static IReadOnlyList<string> Files { get; } = [DevanagariRegularFile, DevanagariBoldFile, LatinRegularFile, LatinBoldFile];

    private readonly ReceiptFace[] _faces;

    private ReceiptFonts(string directory, ReceiptFace[] faces)
    {
        Directory = directory;
        _faces = faces;
    }

    public string Directory { get; }

    /// <summary>
    /// The folder used when none is given: <c>fonts/</c> beside the program when it has all four files (a flashed
    /// machine), else <see cref="DefaultDirectory"/> (a development machine with fonts-noto-core).
    /// </summary>
    public static string ResolveDirectory(string? programDirectory = null)
    {
        var bundled = Path.Combine(programDirectory ?? AppContext.BaseDirectory, BundledDirectoryName);
        return Files.All(f => File.Exists(Path.Combine(bundled, f))) ? bundled : DefaultDirectory;
    }

    /// <summary>Loads the four faces from <paramref name="directory"/> (default <see cref="ResolveDirectory"/>).</summary>
    /// <exception cref="FileNotFoundException">A font file is missing; the message names it and how to get it.</exception>
    public static ReceiptFonts Load(string? directory = null)
    {
        directory ??= ResolveDirectory();
        var loaded = new List<ReceiptFace>();
        try
        {
            foreach (var (file, script, bold) in new[]
            {
                (DevanagariRegularFile, ReceiptScript.Devanagari, false),
                (DevanagariBoldFile, ReceiptScript.Devanagari, true),
                (LatinRegularFile, ReceiptScript.Latin, false),
                (LatinBoldFile, ReceiptScript.Latin, true),
            })
            {
                loaded.Add(ReceiptFace.Load(Path.Combine(directory, file), script, bold));
            }

            return new ReceiptFonts(directory, [.. loaded]);
        }
        catch
        {
            foreach (var face in loaded)
            {
                face.Dispose();
            }

            throw;
        }
    }

    public ReceiptFace Face(ReceiptScript script, bool bold) => _faces.First(f => f.Script == script && f.Bold == bold);

    public void Dispose()
    {
        foreach (var face in _faces)
        {
            face.Dispose();
        }
    }
}

/// <summary>The scripts a receipt line is split into.</summary>
public enum ReceiptScript
{
    Latin,
    Devanagari,
}

/// <summary>One loaded face with its HarfBuzz shaper (both kept for the life of the fonts).</summary>
public sealed class ReceiptFace : IDisposable
{
    private readonly SKFont _probe;

    private ReceiptFace(SKTypeface typeface, ReceiptScript script, bool bold, string path)
    {
        Typeface = typeface;
        _probe = new SKFont(typeface);
        Shaper = new SKShaper(typeface);
        Script = script;
        Bold = bold;
        Path = path;
    }

    public SKTypeface Typeface { get; }

    public SKShaper Shaper { get; }

    public ReceiptScript Script { get; }

    public bool Bold { get; }

    public string Path { get; }

    /// <summary>True when the face has a glyph for <paramref name="codePoint"/>.</summary>
    public bool Covers(int codePoint) => _probe.GetGlyph(codePoint) != 0;

    public void Dispose()
    {
        _probe.Dispose();
        Shaper.Dispose();
        Typeface.Dispose();
    }

    internal static ReceiptFace Load(string path, ReceiptScript script, bool bold)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"Receipt font {path} is missing: install the Debian package fonts-noto-core, or set the receipt font directory to a folder that has {System.IO.Path.GetFileName(path)}.",
                path);
        }

        var typeface = SKTypeface.FromFile(path)
            ?? throw new FileNotFoundException($"Receipt font {path} exists but is not a readable font file.", path);
        return new ReceiptFace(typeface, script, bold, path);
    }
}
