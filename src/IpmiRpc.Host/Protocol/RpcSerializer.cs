using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using Newtonsoft.Json;
using Newtonsoft.Json.Converters;
using Newtonsoft.Json.Serialization;

namespace IpmiRpc.Host.Protocol;

/// <summary>How results leave the process: camelCase names, enums as camelCase strings, bytes as int arrays.</summary>
internal static class RpcSerializer
{
    /// <summary>
    /// Enums as camelCase strings, bytes as numbers. Given to each contract by <see cref="ResultContractResolver"/>, not
    /// listed in the settings: Newtonsoft asks every converter of the settings' list <c>CanConvert</c> for every value it
    /// writes that has no converter of its own (a type test each, on every property of every answer), while a contract's
    /// converter is found once, when the contract is made.
    /// </summary>
    internal static readonly JsonConverter[] Converters = [new StringEnumConverter(new CamelCaseNamingStrategy()), new ByteArrayAsNumbersConverter(), new ReadOnlyMemoryOfByteConverter()];

    public static JsonSerializerSettings Settings() => new()
    {
        ContractResolver = new ResultContractResolver(),
        NullValueHandling = NullValueHandling.Include,
        DateParseHandling = DateParseHandling.None,
        MaxDepth = 64,
    };

    public static JsonSerializer Create() => JsonSerializer.Create(Settings());

    /// <summary>
    /// camelCase names (the contracts shared by every serializer, as <see cref="CamelCasePropertyNamesContractResolver"/>
    /// shares them), and result records' <c>bool</c>, <c>int</c> and <c>byte</c> properties read without a new box per
    /// value: Newtonsoft reads every property as an object, and a decoded answer of a dozen flags and numbers cost a
    /// dozen boxes on every request. Without a JIT (NativeAOT) the compiled reader is not worth it: Newtonsoft's own.
    /// </summary>
    internal class ResultContractResolver : CamelCasePropertyNamesContractResolver
    {
        /// <summary>
        /// The contract of one of ipmirpc's own types (results, their parts, error data) is built from its properties
        /// alone. Newtonsoft's own also searches every method of the type and its bases for serialization callbacks
        /// (<c>[OnSerializing]</c> …), every member for <c>[JsonExtensionData]</c> and every constructor for
        /// <c>[JsonConstructor]</c>, and compiles creators that only reading uses: under NativeAOT each custom
        /// attribute is resolved by name, and that search was the largest part of a cold <c>ipmirpc call</c>'s
        /// result contracts (tests/bench/README.md, "Sixth pass: cold start"). Our types use none of those (RpcSerializerTests
        /// checks it, and that both contracts write every declared result the same); a type-level
        /// <c>[JsonConverter]</c> is honoured as Newtonsoft honours it. Other types get Newtonsoft's own contract.
        /// </summary>
        protected override JsonObjectContract CreateObjectContract(Type objectType)
        {
            if (!BuildsOwnContracts || !IsOwnType(objectType))
            {
                return base.CreateObjectContract(objectType);
            }

            var type = Nullable.GetUnderlyingType(objectType) ?? objectType;
            var contract = new JsonObjectContract(objectType)
            {
                MemberSerialization = MemberSerialization.OptOut,
                Converter = ResolveContractConverter(type),
                ExtensionDataNameResolver = ResolveExtensionDataName,
            };
            foreach (var property in CreateProperties(type, MemberSerialization.OptOut))
            {
                contract.Properties.Add(property);
            }

            return contract;
        }

        /// <summary>
        /// An own record or class goes straight to its object contract: Newtonsoft's classification would first ask
        /// the TypeDescriptor whether it converts to a string, which no own type does (no own type declares a
        /// <c>[TypeConverter]</c>; the tests check it).
        /// </summary>
        protected override JsonContract CreateContract(Type objectType)
        {
            var contract = BuildsOwnContracts && IsOwnType(objectType) && IsPlainObject(objectType) ? CreateObjectContract(objectType) : base.CreateContract(objectType);
            // A type-level [JsonConverter] comes first, as it did over the settings' list; then the first of ours that
            // converts the type, as Newtonsoft's search of that list would find it for each value.
            if (GivesConverters)
            {
                contract.Converter ??= Array.Find(Converters, converter => converter.CanConvert(contract.UnderlyingType));
            }

            return contract;
        }

        /// <summary>False only in the test that compares this with the converters listed in the settings.</summary>
        private protected virtual bool GivesConverters => true;

        private static bool IsPlainObject(Type type) =>
            !type.IsEnum && !type.IsPrimitive && !type.IsByRef && !typeof(System.Collections.IEnumerable).IsAssignableFrom(type)
            && !typeof(IConvertible).IsAssignableFrom(type) && !typeof(System.Runtime.Serialization.ISerializable).IsAssignableFrom(type)
            && !typeof(System.Dynamic.IDynamicMetaObjectProvider).IsAssignableFrom(type);

        /// <summary>
        /// A number, string, enum …: the writer writes it itself and never calls a primitive's serialization callbacks,
        /// so its contract skips Newtonsoft's search for them over every method of the type (and of <c>string</c>'s
        /// hundreds); a type-level <c>[JsonConverter]</c> is still honoured. A number, string, bool or date of the base
        /// library (a non-enum type with a <see cref="TypeCode"/> of its own) cannot carry Newtonsoft's
        /// <c>[JsonConverter]</c>, so it is not searched for one: under NativeAOT that search resolves every attribute of
        /// <c>int</c> or <c>string</c> by name.
        /// </summary>
        protected override JsonPrimitiveContract CreatePrimitiveContract(Type objectType)
        {
            if (!BuildsOwnContracts)
            {
                return base.CreatePrimitiveContract(objectType);
            }

            var type = Nullable.GetUnderlyingType(objectType) ?? objectType;
            var baseLibrary = !type.IsEnum && Type.GetTypeCode(type) is not (TypeCode.Object or TypeCode.Empty or TypeCode.DBNull);
            return new JsonPrimitiveContract(objectType) { Converter = baseLibrary ? null : ResolveContractConverter(type) };
        }

        /// <summary>False only in the test that compares these contracts with Newtonsoft's own.</summary>
        private protected virtual bool BuildsOwnContracts => true;

        /// <summary>A type of ipmirpc's own assemblies (IpmiRpc.Core, the transports, the host; tests' records too).</summary>
        internal static bool IsOwnType(Type type) => type.Namespace is { } name && name.StartsWith("IpmiRpc.", StringComparison.Ordinal);

        /// <summary>
        /// None: results are only ever written, and the creator parameters of a record (its constructor's, matched to
        /// its properties) serve only reading. Building them reflected over every parameter's attributes: half of a
        /// result contract's cost, paid at every cold `ipmirpc call` (tests/bench/README.md, "Fifth pass: cold start").
        /// </summary>
        protected override IList<JsonProperty> CreateConstructorParameters(ConstructorInfo constructor, JsonPropertyCollection memberProperties) => [];

        protected override IValueProvider CreateMemberValueProvider(MemberInfo member)
        {
            var provider = base.CreateMemberValueProvider(member);
            if (RuntimeFeature.IsDynamicCodeCompiled && member is PropertyInfo { GetMethod: { IsStatic: false, IsPublic: true } getter } property
                && property.GetIndexParameters().Length == 0 && property.DeclaringType is { IsValueType: false } declaring
                && SharedBoxes.Of(property.PropertyType) is { } box)
            {
                if (property.PropertyType == typeof(int))
                {
                    var instance = Expression.Parameter(typeof(object));
                    var readInt = Expression.Property(Expression.Convert(instance, declaring), getter);
                    return new IntReader(Expression.Lambda<Func<object, int>>(readInt, instance).Compile(), provider);
                }

                var target = Expression.Parameter(typeof(object));
                var read = Expression.Call(box, Expression.Property(Expression.Convert(target, declaring), getter));
                return new SharedBoxReader(Expression.Lambda<Func<object, object>>(read, target).Compile(), provider);
            }

            return provider;
        }
    }

    /// <summary>Reads through the compiled getter; writes (never done for results) as Newtonsoft would.</summary>
    private sealed class SharedBoxReader(Func<object, object> read, IValueProvider fallback) : IValueProvider
    {
        public object? GetValue(object target) => read(target);

        public void SetValue(object target, object? value) => fallback.SetValue(target, value);
    }

    /// <summary>
    /// An int property: shared boxes up to 4095, and above that the box of the last value this property had (a
    /// manufacturer id, a serial number: the same on every answer of one BMC), so a repeated value is not boxed again.
    /// </summary>
    private sealed class IntReader(Func<object, int> read, IValueProvider fallback) : IValueProvider
    {
        // One reference, read and written whole; a box never changes its value.
        private object? _last;

        public object? GetValue(object target)
        {
            var value = read(target);
            if (SharedBoxes.TryShared(value) is { } shared)
            {
                return shared;
            }

            // Read once: another thread may put another value's box here meanwhile.
            var known = _last;
            if (known is int last && last == value)
            {
                return known;
            }

            object boxed = value;
            _last = boxed;
            return boxed;
        }

        public void SetValue(object target, object? value) => fallback.SetValue(target, value);
    }

    /// <summary>One box per value for the values results carry most: both bools, every byte, ints up to 4095.</summary>
    internal static class SharedBoxes
    {
        private const int CachedInts = 4096;
        private static readonly object True = true;
        private static readonly object False = false;
        private static readonly object?[] Ints = new object?[CachedInts];
        private static readonly object?[] Bytes = new object?[256];

        public static MethodInfo? Of(Type type) =>
            type == typeof(bool) || type == typeof(int) || type == typeof(byte)
                ? typeof(SharedBoxes).GetMethod(nameof(Box), [type])
                : null;

        public static object Box(bool value) => value ? True : False;

        public static object Box(byte value) => Bytes[value] ??= value;

        public static object Box(int value) => TryShared(value) ?? value;

        /// <summary>The shared box of <paramref name="value"/>, or null above 4095 or below 0.</summary>
        // A race makes two boxes of one value: both hold the same number.
        public static object? TryShared(int value) => (uint)value >= CachedInts ? null : Ints[value] ??= value;
    }

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
