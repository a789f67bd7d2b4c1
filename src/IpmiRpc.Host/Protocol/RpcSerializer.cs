using Newtonsoft.Json;
using Newtonsoft.Json.Converters;
using Newtonsoft.Json.Serialization;

namespace IpmiRpc.Host.Protocol;

/// <summary>How results leave the process: camelCase names, enums as camelCase strings, bytes as int arrays.</summary>
internal static class RpcSerializer
{
    public static JsonSerializerSettings Settings() => new()
    {
        ContractResolver = new CamelCasePropertyNamesContractResolver(),
        Converters = { new StringEnumConverter(new CamelCaseNamingStrategy()), new ByteArrayAsNumbersConverter(), new ReadOnlyMemoryOfByteConverter() },
        NullValueHandling = NullValueHandling.Include,
        DateParseHandling = DateParseHandling.None,
        MaxDepth = 64,
    };

    public static JsonSerializer Create() => JsonSerializer.Create(Settings());

    /// <summary>Newtonsoft writes byte[] as base64; IPMI users read bytes as numbers.</summary>
    private sealed class ByteArrayAsNumbersConverter : JsonConverter<byte[]>
    {
        public override byte[]? ReadJson(JsonReader reader, Type objectType, byte[]? existingValue, bool hasExistingValue, JsonSerializer serializer) =>
            throw new NotSupportedException();

        public override bool CanRead => false;

        public override void WriteJson(JsonWriter writer, byte[]? value, JsonSerializer serializer) => WriteBytes(writer, value);
    }

    private sealed class ReadOnlyMemoryOfByteConverter : JsonConverter<ReadOnlyMemory<byte>>
    {
        public override ReadOnlyMemory<byte> ReadJson(JsonReader reader, Type objectType, ReadOnlyMemory<byte> existingValue, bool hasExistingValue, JsonSerializer serializer) =>
            throw new NotSupportedException();

        public override bool CanRead => false;

        public override void WriteJson(JsonWriter writer, ReadOnlyMemory<byte> value, JsonSerializer serializer) => WriteBytes(writer, value.ToArray());
    }

    private static void WriteBytes(JsonWriter writer, byte[]? value)
    {
        if (value is null)
        {
            writer.WriteNull();
            return;
        }

        writer.WriteStartArray();
        foreach (var b in value)
        {
            writer.WriteValue((int)b);
        }

        writer.WriteEndArray();
    }
}
