using System.Collections;
using System.ComponentModel;
using System.Reflection;
using IpmiRpc.Host.Methods.Declarations;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;

namespace IpmiRpc.Host.Schema;

/// <summary>
/// JSON Schema for the CLR types of params and results, matching what the binder accepts and what the result
/// serializer (camelCase names, enums as camelCase strings, bytes as integer arrays, nulls included) writes.
/// </summary>
internal static class JsonSchemaBuilder
{
    private static readonly CamelCaseNamingStrategy CamelCase = new();

    /// <summary>The schema of a declared param (its type plus range, length, default and description).</summary>
    public static JObject ForParam(ParamMember member)
    {
        var schema = ForValue(member.ValueType, null, member, depth: 0);
        if (member.Default is { } fallback && member.ValueType != typeof(ByteString))
        {
            schema["default"] = member.ValueType.IsEnum ? EnumNames.Of(member.ValueType).First(n => n.Value.Equals(fallback)).Name : JToken.FromObject(fallback);
        }

        if (member.IsSecret)
        {
            schema["x-secret"] = true;
        }

        return schema;
    }

    /// <summary>The schema of a result type as the serializer writes it (<paramref name="nullability"/>: of the
    /// declared type, so <c>string?</c> in generic arguments and array elements is honoured).</summary>
    public static JObject ForResult(Type type, NullabilityInfo? nullability) => ForValue(type, nullability, null, depth: 0);

    private static JObject ForValue(Type type, NullabilityInfo? nullability, ParamMember? member, int depth)
    {
        if (depth > 16)
        {
            throw new InvalidOperationException($"Type nesting too deep at {type.Name}");
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return OrNull(ForValue(underlying, null, member, depth));
        }

        var schema = ForNonNullable(type, nullability, member, depth);
        return !type.IsValueType && nullability?.ReadState == NullabilityState.Nullable ? OrNull(schema) : schema;
    }

    private static JObject ForNonNullable(Type type, NullabilityInfo? nullability, ParamMember? member, int depth)
    {
        if (type == typeof(bool))
        {
            return new JObject { ["type"] = "boolean" };
        }

        if (ParamBinder.IntegerRange(type) is { } typeRange)
        {
            var schema = new JObject { ["type"] = "integer" };
            if (member?.Range is { } range)
            {
                schema["minimum"] = JToken.FromObject(range.Minimum);
                schema["maximum"] = JToken.FromObject(range.Maximum);
            }
            else if (type == typeof(byte) || type == typeof(ushort))
            {
                schema["minimum"] = typeRange.Min;
                schema["maximum"] = typeRange.Max;
            }
            else if (type == typeof(uint))
            {
                schema["minimum"] = 0;
            }

            return schema;
        }

        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            return new JObject { ["type"] = "number" };
        }

        if (type == typeof(string))
        {
            var schema = new JObject { ["type"] = "string" };
            if (member?.MinLength is { } min)
            {
                schema["minLength"] = min;
            }

            if (member?.MaxLength is { } max)
            {
                schema["maxLength"] = max;
            }

            return schema;
        }

        if (type == typeof(DateTimeOffset) || type == typeof(DateTime))
        {
            return new JObject { ["type"] = "string", ["format"] = "date-time" };
        }

        if (type == typeof(TimeSpan))
        {
            // Newtonsoft writes TimeSpan in .NET's constant format, [-][d.]hh:mm:ss[.fffffff].
            return new JObject { ["type"] = "string", ["pattern"] = "^-?([0-9]+\\.)?[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,7})?$" };
        }

        if (type.IsEnum)
        {
            return new JObject { ["enum"] = new JArray(EnumNames.Of(type).Select(n => n.Name)) };
        }

        if (type == typeof(byte[]) || type == typeof(ReadOnlyMemory<byte>))
        {
            return new JObject { ["$ref"] = "#/components/schemas/ByteArray" };
        }

        if (type == typeof(ByteString))
        {
            var max = member?.MaxLength ?? Core.IpmiRequest.MaxDataLength;
            return new JObject
            {
                ["oneOf"] = new JArray(
                    new JObject { ["type"] = "string" },
                    new JObject { ["type"] = "array", ["maxItems"] = max, ["items"] = new JObject { ["type"] = "integer", ["minimum"] = 0, ["maximum"] = 255 } }),
            };
        }

        if (type == typeof(CommandSelector))
        {
            return new JObject
            {
                ["oneOf"] = new JArray(
                    new JObject { ["type"] = "integer", ["minimum"] = 0, ["maximum"] = 255 },
                    new JObject { ["type"] = "string", ["minLength"] = 1 }),
            };
        }

        if (type == typeof(object) || type == typeof(JToken))
        {
            return [];
        }

        if (type == typeof(JObject))
        {
            return new JObject { ["type"] = "object" };
        }

        if (DictionaryValueType(type) is { } valueType)
        {
            var valueNullability = nullability?.GenericTypeArguments is [_, var v] ? v : null;
            return new JObject { ["type"] = "object", ["additionalProperties"] = ForValue(valueType, valueNullability, null, depth + 1) };
        }

        if (ElementType(type) is { } element)
        {
            var elementNullability = nullability?.ElementType ?? (nullability?.GenericTypeArguments is [var e] ? e : null);
            var schema = new JObject { ["type"] = "array", ["items"] = ForValue(element, elementNullability, null, depth + 1) };
            if (member?.MaxLength is { } maxItems)
            {
                schema["maxItems"] = maxItems;
            }

            return schema;
        }

        return ForObject(type, member, depth);
    }

    private static JObject ForObject(Type type, ParamMember? member, int depth)
    {
        if (member is null && type.IsAbstract)
        {
            // A polymorphic result (e.g. SEL record kinds): the serializer writes the runtime type's members.
            var derived = type.Assembly.GetTypes()
                .Where(t => !t.IsAbstract && type.IsAssignableFrom(t))
                .OrderBy(t => t.Name, StringComparer.Ordinal)
                .Select(t => (JToken)ForObject(t, null, depth + 1));
            return new JObject { ["oneOf"] = new JArray(derived) };
        }

        var properties = new JObject();
        var required = new JArray();
        if (member is not null)
        {
            // A nested params object: its members are params themselves (optional unless [Required]).
            foreach (var nested in ParamMember.Of(type))
            {
                properties[nested.Name] = Describe(ForParam(nested), nested.Description);
                if (nested.IsRequired)
                {
                    required.Add(nested.Name);
                }
            }

            var schema = new JObject { ["type"] = "object" };
            if (member.MinProperties is { } minProperties)
            {
                schema["minProperties"] = minProperties;
            }

            if (required.Count > 0)
            {
                schema["required"] = required;
            }

            schema["properties"] = properties;
            schema["additionalProperties"] = false;
            return schema;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.GetCustomAttribute<JsonIgnoreAttribute>() is not null)
            {
                continue;
            }

            var name = property.GetCustomAttribute<JsonPropertyAttribute>()?.PropertyName ?? CamelCase.GetPropertyName(property.Name, false);
            var schema = ForValue(property.PropertyType, new NullabilityInfoContext().Create(property), null, depth + 1);

            properties[name] = Describe(schema, property.GetCustomAttribute<DescriptionAttribute>()?.Description);
            required.Add(name);
        }

        return new JObject
        {
            ["type"] = "object",
            ["required"] = required,
            ["properties"] = properties,
            ["additionalProperties"] = false,
        };
    }

    private static JObject Describe(JObject schema, string? description)
    {
        if (description is not null)
        {
            schema["description"] = description;
        }

        return schema;
    }

    /// <summary>Lets a schema also accept JSON null.</summary>
    private static JObject OrNull(JObject schema)
    {
        switch (schema["type"])
        {
            case JValue { Type: JTokenType.String } single:
                schema["type"] = new JArray((string)single!, "null");
                return schema;
            case null when schema["enum"] is JArray values:
                values.Add(JValue.CreateNull());
                return schema;
            default:
                return new JObject { ["oneOf"] = new JArray(new JObject { ["type"] = "null" }, schema) };
        }
    }

    private static Type? DictionaryValueType(Type type)
    {
        foreach (var candidate in type.GetInterfaces().Append(type))
        {
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>) && candidate.GetGenericArguments()[0] == typeof(string))
            {
                return candidate.GetGenericArguments()[1];
            }
        }

        return null;
    }

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        foreach (var candidate in type.GetInterfaces().Append(type))
        {
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            {
                return candidate.GetGenericArguments()[0];
            }
        }

        return null;
    }
}
