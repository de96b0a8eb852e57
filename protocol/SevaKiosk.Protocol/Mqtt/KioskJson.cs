using System.Text.Json;
using System.Text.Json.Serialization;

namespace SevaKiosk.Protocol.Mqtt;

/// <summary>
/// Source-generated System.Text.Json metadata for every payload of the contract: camelCase names, enums as their
/// wire strings, nulls omitted. Use <see cref="KioskJson"/> to read and write.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    AllowTrailingCommas = false,
    ReadCommentHandling = JsonCommentHandling.Disallow,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(StatusMessage))]
[JsonSerializable(typeof(MetaMessage))]
[JsonSerializable(typeof(TelemetryBatch))]
[JsonSerializable(typeof(FaultMessage))]
[JsonSerializable(typeof(TransactionRecord))]
[JsonSerializable(typeof(TransactionAck))]
[JsonSerializable(typeof(DesiredState))]
[JsonSerializable(typeof(ReportedState))]
[JsonSerializable(typeof(SignedCommand))]
[JsonSerializable(typeof(CommandReply))]
[JsonSerializable(typeof(BillFetchRequest))]
[JsonSerializable(typeof(BillFetchResponse))]
[JsonSerializable(typeof(PaymentPostRequest))]
[JsonSerializable(typeof(PaymentStatusRequest))]
[JsonSerializable(typeof(PaymentResponse))]
public sealed partial class KioskJsonContext : JsonSerializerContext;

/// <summary>Reads and writes contract payloads as UTF-8 JSON.</summary>
public static class KioskJson
{
    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, TypeInfo<T>());

    public static string SerializeToString<T>(T value) => JsonSerializer.Serialize(value, TypeInfo<T>());

    /// <summary>Parses a payload; throws <see cref="JsonException"/> for malformed JSON or a missing required field.</summary>
    public static T Deserialize<T>(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize(utf8, TypeInfo<T>()) ?? throw new JsonException($"A {typeof(T).Name} payload was 'null'.");

    /// <summary>Parses a payload; false (and a reason) instead of an exception.</summary>
    public static bool TryDeserialize<T>(ReadOnlySpan<byte> utf8, out T? value, out string? error)
    {
        try
        {
            value = Deserialize<T>(utf8);
            error = null;
            return true;
        }
        catch (JsonException ex)
        {
            value = default;
            error = ex.Message;
            return false;
        }
    }

    private static System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> TypeInfo<T>() =>
        KioskJsonContext.Default.GetTypeInfo(typeof(T)) as System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>
        ?? throw new NotSupportedException($"{typeof(T).Name} is not part of the MQTT contract.");
}
