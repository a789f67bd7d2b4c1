using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Runtime.Serialization;
using IpmiRpc.Host.Methods.Declarations;
using IpmiRpc.Host.Protocol;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;

namespace IpmiRpc.Host.Tests.Protocol;

/// <summary>
/// <see cref="RpcSerializer"/> builds the object contracts of ipmirpc's own types itself instead of through Newtonsoft's
/// search for callbacks and creators: every declared result must still be written byte for byte as Newtonsoft's own
/// contracts write it, and no own type may use what that search would have found.
/// </summary>
public class ResultContractTests
{
    /// <summary>The same resolver with Newtonsoft's own object contracts (its own type: the contract cache is per type).</summary>
    private sealed class NewtonsoftObjectContracts : RpcSerializer.ResultContractResolver
    {
        private protected override bool BuildsOwnContracts => false;
    }

    private static JsonSerializer Reference()
    {
        var settings = RpcSerializer.Settings();
        settings.ContractResolver = new NewtonsoftObjectContracts();
        return JsonSerializer.Create(settings);
    }

    /// <summary>The same resolver without converters on its contracts (its own type: the contract cache is per type).</summary>
    private sealed class WithoutContractConverters : RpcSerializer.ResultContractResolver
    {
        private protected override bool GivesConverters => false;
    }

    /// <summary>The converters in the settings' list, where Newtonsoft asks each of them about every value (as before).</summary>
    private static JsonSerializer ListedConverters()
    {
        var settings = RpcSerializer.Settings();
        settings.ContractResolver = new WithoutContractConverters();
        foreach (var converter in RpcSerializer.Converters)
        {
            settings.Converters.Add(converter);
        }

        return JsonSerializer.Create(settings);
    }

    private static readonly Assembly[] OwnAssemblies =
    [
        typeof(RpcSerializer).Assembly,
        typeof(Core.Targets.IpmiTarget).Assembly,
        typeof(Transports.Lan.LanPlusOptions).Assembly,
        typeof(Transports.OpenIpmi.OpenIpmiTransport).Assembly,
        typeof(Transports.Cim.CimTransport).Assembly,
    ];

    public static TheoryData<string> Methods => [.. MethodCatalog.All.Keys.Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Methods))]
    public void A_declared_result_is_written_as_with_Newtonsofts_own_object_contracts(string method)
    {
        var resultType = MethodCatalog.All[method].ResultType;
        var samples = new Samples();
        // Every value present, then every nullable one null (and other numbers, enum members, list lengths).
        foreach (var variant in new[] { 0, 1, 2 })
        {
            var result = samples.Of(resultType, variant, depth: 0);
            Assert.NotNull(result);
            AssertWrittenAlike(result);
        }

        if (RpcSerializer.ResultContractResolver.IsOwnType(resultType))
        {
            Assert.NotEmpty(samples.Built);
        }
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void A_declared_result_is_written_as_with_the_converters_listed_in_the_settings(string method)
    {
        var resultType = MethodCatalog.All[method].ResultType;
        var samples = new Samples();
        var listed = ListedConverters();
        foreach (var variant in new[] { 0, 1, 2 })
        {
            var result = samples.Of(resultType, variant, depth: 0);
            Assert.Equal(Write(listed, result), Write(RpcSerializer.Create(), result));
        }

        Assert.Empty(RpcSerializer.Create().Converters);
    }

    [Fact]
    public void Own_records_with_a_type_level_converter_or_inheritance_are_written_alike()
    {
        AssertWrittenAlike(new Converted(5, "x"));
        AssertWrittenAlike(new Holder(new Converted(1, "y"), null, [new Derived(3, true), new Base(4)]));
        AssertWrittenAlike(new Plain(2, false));
        AssertWrittenAlike(new Plain?(new Plain(2, true)));
        AssertWrittenAlike(new Computed(6));
        AssertWrittenAlike(new Loud(Volume.Quiet, 3, "text", null));
        // …and the converters are the ones that wrote them.
        Assert.Equal("\"converted 5\"", JsonConvert.SerializeObject(new Converted(5, "x"), RpcSerializer.Settings()));
        Assert.Equal("{\"volume\":\"QUIET\",\"count\":3,\"text\":\"text\",\"maybe\":null}", JsonConvert.SerializeObject(new Loud(Volume.Quiet, 3, "text", null), RpcSerializer.Settings()));
    }

    [Fact]
    public void Own_contracts_come_from_this_resolver_and_others_from_Newtonsoft()
    {
        var resolver = RpcSerializer.Create().ContractResolver;
        var own = Assert.IsType<JsonObjectContract>(resolver.ResolveContract(typeof(Plain)));
        Assert.Null(own.DefaultCreator);
        var foreign = Assert.IsType<JsonObjectContract>(resolver.ResolveContract(typeof(JsonSerializerSettings)));
        Assert.NotNull(foreign.DefaultCreator);
        Assert.True(RpcSerializer.ResultContractResolver.IsOwnType(typeof(Plain)));
        Assert.False(RpcSerializer.ResultContractResolver.IsOwnType(typeof(JsonSerializerSettings)));
    }

    [Fact]
    public void No_own_type_uses_what_Newtonsofts_object_contract_would_have_found()
    {
        Type[] callbacks = [typeof(OnSerializingAttribute), typeof(OnSerializedAttribute), typeof(OnDeserializingAttribute), typeof(OnDeserializedAttribute), typeof(OnErrorAttribute)];
        const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var found = new List<string>();
        foreach (var type in OwnAssemblies.SelectMany(a => a.GetTypes()).Where(RpcSerializer.ResultContractResolver.IsOwnType))
        {
            if (type.IsDefined(typeof(JsonContainerAttribute), inherit: true) || type.IsDefined(typeof(DataContractAttribute), inherit: true))
            {
                found.Add($"{type}: [JsonObject]/[JsonContainer]/[DataContract]");
            }

            if (type.IsDefined(typeof(System.ComponentModel.TypeConverterAttribute), inherit: true))
            {
                found.Add($"{type}: [TypeConverter] (Newtonsoft would write it as a string)");
            }

            foreach (var method in type.GetMethods(Everything).Where(m => callbacks.Any(c => m.IsDefined(c, inherit: false))))
            {
                found.Add($"{type}.{method.Name}: a serialization callback");
            }

            foreach (var member in type.GetMembers(Everything).Where(m => m.IsDefined(typeof(JsonExtensionDataAttribute), inherit: true)))
            {
                found.Add($"{type}.{member.Name}: [JsonExtensionData]");
            }
        }

        Assert.True(found.Count == 0, "RpcSerializer's own object contracts ignore these; give the type Newtonsoft's contract or drop them:\n" + string.Join("\n", found));
    }

    private static string Write(JsonSerializer serializer, object? value) =>
        System.Text.Encoding.UTF8.GetString(JsonBytes.Write(value, (writer, v) => serializer.Serialize(writer, v)));

    private static void AssertWrittenAlike(object value)
    {
        var expected = JToken.FromObject(value, Reference()).ToString(Formatting.None);
        Assert.Equal(expected, JToken.FromObject(value, RpcSerializer.Create()).ToString(Formatting.None));
        Assert.Equal(expected, System.Text.Encoding.UTF8.GetString(JsonBytes.Write(value, static (writer, v) => RpcSerializer.Create().Serialize(writer, v))));
    }

    /// <summary>A value of every declared type, built through its widest public constructor and settable properties.</summary>
    private sealed class Samples
    {
        public HashSet<Type> Built { get; } = [];

        public object? Of(Type type, int variant, int depth)
        {
            if (Nullable.GetUnderlyingType(type) is { } inner)
            {
                return variant == 1 ? null : Of(inner, variant, depth);
            }

            if (Scalar(type, variant) is { } scalar)
            {
                return scalar;
            }

            if (depth > 6 || (variant == 1 && !type.IsValueType && depth > 0))
            {
                return null;
            }

            if (type.IsArray)
            {
                var items = Array.CreateInstance(type.GetElementType()!, variant + 1);
                for (var i = 0; i < items.Length; i++)
                {
                    items.SetValue(Of(type.GetElementType()!, variant + i, depth + 1), i);
                }

                return items;
            }

            if (type.IsGenericType && DictionaryOf(type) is { } dictionary)
            {
                return dictionary(variant, depth);
            }

            if (type.IsGenericType && type.GetGenericArguments() is [var item] && typeof(IEnumerable).IsAssignableFrom(type))
            {
                var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(item))!;
                for (var i = 0; i <= variant; i++)
                {
                    list.Add(Of(item, variant + i, depth + 1));
                }

                return list;
            }

            if (type.IsAbstract || type.IsInterface)
            {
                return type.Assembly.GetTypes().FirstOrDefault(t => !t.IsAbstract && !t.IsGenericTypeDefinition && type.IsAssignableFrom(t)) is { } concrete
                    ? Of(concrete, variant, depth)
                    : null;
            }

            Built.Add(type);
            var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
            var value = constructor is null
                ? Activator.CreateInstance(type)!
                : constructor.Invoke([.. constructor.GetParameters().Select((p, i) => Of(p.ParameterType, variant + i, depth + 1))]);
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0))
            {
                property.SetValue(value, Of(property.PropertyType, variant + property.Name.Length, depth + 1));
            }

            return value;
        }

        private Func<int, int, object>? DictionaryOf(Type type)
        {
            var definition = type.GetGenericTypeDefinition();
            if (type.GetGenericArguments() is not [var key, var item]
                || (definition != typeof(Dictionary<,>) && definition != typeof(IDictionary<,>) && definition != typeof(IReadOnlyDictionary<,>)))
            {
                return null;
            }

            return (variant, depth) =>
            {
                var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(key, item))!;
                for (var i = 0; i <= variant; i++)
                {
                    dictionary[Of(key, variant + i, depth + 1) ?? "key" + i] = Of(item, variant + i, depth + 1);
                }

                return dictionary;
            };
        }

        private static object? Scalar(Type type, int variant)
        {
            if (type.IsEnum)
            {
                var values = Enum.GetValues(type);
                return values.Length == 0 ? Activator.CreateInstance(type) : values.GetValue(variant % values.Length);
            }

            return Type.GetTypeCode(type) switch
            {
                TypeCode.String => "text " + variant.ToString(CultureInfo.InvariantCulture),
                TypeCode.Boolean => variant % 2 == 0,
                TypeCode.Char => (char)('a' + variant),
                TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64
                    or TypeCode.Single or TypeCode.Double or TypeCode.Decimal => Convert.ChangeType((variant * 37 + 5) % 100, type, CultureInfo.InvariantCulture),
                TypeCode.DateTime => new DateTime(2026, 12, 6, 4, 5, variant, DateTimeKind.Utc),
                _ when type == typeof(ReadOnlyMemory<byte>) => new ReadOnlyMemory<byte>([1, 2, (byte)variant]),
                _ when type == typeof(DateTimeOffset) => new DateTimeOffset(2026, 12, 6, 4, 5, variant, TimeSpan.Zero),
                _ when type == typeof(TimeSpan) => TimeSpan.FromMilliseconds(1500 + variant),
                _ when type == typeof(Guid) => new Guid(variant, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11),
                _ when type == typeof(JToken) || type == typeof(JObject) => new JObject { ["raw"] = variant },
                _ when type == typeof(object) => "object " + variant.ToString(CultureInfo.InvariantCulture),
                _ => null,
            };
        }
    }

    [JsonConverter(typeof(ConvertedWriter))]
    private sealed record Converted(int Id, string Name);

    private sealed class ConvertedWriter : JsonConverter<Converted>
    {
        public override bool CanRead => false;

        public override Converted ReadJson(JsonReader reader, Type objectType, Converted? existingValue, bool hasExistingValue, JsonSerializer serializer) =>
            throw new NotSupportedException();

        public override void WriteJson(JsonWriter writer, Converted? value, JsonSerializer serializer) => writer.WriteValue("converted " + value!.Id.ToString(CultureInfo.InvariantCulture));
    }

    [JsonConverter(typeof(VolumeWriter))]
    private enum Volume
    {
        Quiet,
    }

    private sealed class VolumeWriter : JsonConverter<Volume>
    {
        public override bool CanRead => false;

        public override Volume ReadJson(JsonReader reader, Type objectType, Volume existingValue, bool hasExistingValue, JsonSerializer serializer) =>
            throw new NotSupportedException();

        public override void WriteJson(JsonWriter writer, Volume value, JsonSerializer serializer) => writer.WriteValue(value.ToString().ToUpperInvariant());
    }

    private sealed record Loud(Volume Volume, int Count, string Text, int? Maybe);

    private record Base(int Id);

    private sealed record Derived(int Id, bool Extra) : Base(Id);

    private readonly record struct Plain(int Count, bool Ready);

    private sealed record Holder(Converted Converted, string? Missing, IReadOnlyList<Base> Items);

    private sealed class Computed(int seed)
    {
        public int Seed => seed;

        public byte[] Bytes { get; } = [1, 2, 3];

        public bool ShouldSerializeBytes() => seed > 5;
    }
}
