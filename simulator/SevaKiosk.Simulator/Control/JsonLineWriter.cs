using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SevaKiosk.Simulator.Control;

/// <summary>Writes one compact JSON object per line, whole lines only, from any thread.</summary>
public sealed class JsonLineWriter
{
    // Relaxed escaping keeps quotes and apostrophes readable ("it's", not "it\u0027s"); the output is never HTML.
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly TextWriter _writer;
    private readonly object _gate = new();

    public JsonLineWriter(TextWriter writer) => _writer = writer;

    public void Write(JsonObject line)
    {
        var text = line.ToJsonString(Compact);
        lock (_gate)
        {
            _writer.WriteLine(text);
            _writer.Flush();
        }
    }
}
