using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using IpmiRpc.Core.Targets;
using Newtonsoft.Json.Serialization;

namespace IpmiRpc.Host.Methods.Declarations;

/// <summary>
/// One declared param: a property of a method's params record, with everything the binder and the schema need
/// (wire name, CLR type, optional/required, range, length, default, description, secret).
/// </summary>
public sealed class ParamMember
{
    private static readonly CamelCaseNamingStrategy CamelCase = new();

    private ParamMember(PropertyInfo property)
    {
        Property = property;
        Name = CamelCase.GetPropertyName(property.Name, hasSpecifiedName: false);
        var underlying = Nullable.GetUnderlyingType(property.PropertyType);
        ValueType = underlying ?? property.PropertyType;
        // Read once and picked by type: NativeAOT resolves every attribute of the property by name on each filtered
        // lookup, so ten lookups cost ten times the resolutions of one (and the lanplus target's binder is built before
        // a cold call's first datagram).
        var attributes = Attribute.GetCustomAttributes(property, inherit: true);
        IsRequired = One<RequiredAttribute>(attributes) is not null;
        // NullabilityInfoContext is not thread-safe, and two first requests may bind the same record at once.
        IsNullable = underlying is not null || new NullabilityInfoContext().Create(property).WriteState == NullabilityState.Nullable;
        Description = One<DescriptionAttribute>(attributes)?.Description;
        Range = One<RangeAttribute>(attributes);
        MaxLength = One<MaxLengthAttribute>(attributes)?.Length;
        MinLength = One<MinLengthAttribute>(attributes)?.Length;
        MinProperties = One<MinPropertiesAttribute>(attributes)?.Count;
        Default = One<DefaultValueAttribute>(attributes)?.Value;
        IsSecret = One<SecretAttribute>(attributes) is not null;
        MaxBytes = One<MaxBytesAttribute>(attributes)?.Bytes;
        SecretSource = One<SecretSourceAttribute>(attributes);
        if (!IsRequired && !IsNullable && Default is null)
        {
            throw new InvalidOperationException(
                $"{property.DeclaringType?.Name}.{property.Name}: an optional param must be nullable or have a [DefaultValue]");
        }
    }

    public PropertyInfo Property { get; }

    /// <summary>The name on the wire (camelCase of the property name).</summary>
    public string Name { get; }

    /// <summary>The property type without <see cref="Nullable{T}"/>.</summary>
    public Type ValueType { get; }

    public bool IsRequired { get; }

    public bool IsNullable { get; }

    public string? Description { get; }

    public RangeAttribute? Range { get; }

    /// <summary>Characters of a string, items of an array, bytes of a byte string.</summary>
    public int? MaxLength { get; }

    public int? MinLength { get; }

    public int? MinProperties { get; }

    /// <summary>The value an absent param has (also the schema's <c>default</c>).</summary>
    public object? Default { get; }

    public bool IsSecret { get; }

    /// <summary>A string's limit in UTF-8 bytes (next to <see cref="MaxLength"/> in characters).</summary>
    public int? MaxBytes { get; }

    /// <summary>For a target field that is one way of giving a secret (password, passwordEnv, …): which, and how.</summary>
    public SecretSourceAttribute? SecretSource { get; }

    /// <summary>What <c>GetCustomAttribute&lt;T&gt;</c> answers, from attributes read already: the one of type
    /// <typeparamref name="T"/> (or derived), null if none, <see cref="AmbiguousMatchException"/> if several.</summary>
    private static T? One<T>(Attribute[] attributes)
        where T : Attribute
    {
        T? found = null;
        foreach (var attribute in attributes)
        {
            if (attribute is T match)
            {
                found = found is null ? match : throw new AmbiguousMatchException($"more than one {typeof(T).Name}");
            }
        }

        return found;
    }

    public static IReadOnlyList<ParamMember> Of(Type paramsType) =>
        paramsType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0)
            .Select(p => new ParamMember(p))
            .ToArray();
}
