using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Serialization;
using Newtonsoft.Json.Serialization;

namespace IpmiRpc.Host.Methods.Declarations;

/// <summary>
/// Enum members as they appear on the wire: what the result serializer's camelCase <c>StringEnumConverter</c> writes
/// (an <see cref="EnumMemberAttribute"/> value, else the camelCased member name). Params are read by the same names.
/// A member marked <see cref="IgnoreDataMemberAttribute"/> (a flag set's <c>None</c>) is no wire name at all.
/// </summary>
public static class EnumNames
{
    private static readonly CamelCaseNamingStrategy CamelCase = new();
    private static readonly ConcurrentDictionary<Type, (string Name, object Value)[]> Cache = new();

    public static IReadOnlyList<(string Name, object Value)> Of(Type enumType) =>
        Cache.GetOrAdd(enumType, static t => t.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.GetCustomAttribute<IgnoreDataMemberAttribute>() is null)
            .Select(f => (f.GetCustomAttribute<EnumMemberAttribute>()?.Value ?? CamelCase.GetPropertyName(f.Name, false), f.GetValue(null)!))
            .ToArray());
}
