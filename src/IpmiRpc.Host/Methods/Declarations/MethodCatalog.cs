using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace IpmiRpc.Host.Methods.Declarations;

/// <summary>
/// Every JSON-RPC method: the <see cref="RpcMethodAttribute"/>-declared static methods of the classes listed here.
/// Adding a method to an existing area needs no edit here; a new area class is one line.
/// </summary>
public static class MethodCatalog
{
    private static readonly Lazy<IReadOnlyDictionary<string, MethodDeclaration>> Declarations = new(Scan);

    /// <summary>Declarations looked up one by one before the whole catalog was needed; <see cref="Scan"/> reuses them.</summary>
    // Lazy: a thread asking for a name another thread is looking up waits for that search instead of repeating it (a
    // cold `ipmirpc call` asks from its warm-up thread and from the request at about the same time).
    private static readonly ConcurrentDictionary<string, Lazy<MethodDeclaration?>> FoundAlone = new(StringComparer.Ordinal);

    /// <summary>Method name → declaration, ordinal.</summary>
    public static IReadOnlyDictionary<string, MethodDeclaration> All => Declarations.Value;

    /// <summary>
    /// One declaration. Before anything needed the whole catalog (a one-shot <c>ipmirpc call</c>), the areas are searched
    /// only until the name is found, and only its declaration is built: NativeAOT resolves every attribute of every
    /// method it reads by name, and the whole scan was a large part of a cold call's time before its first datagram
    /// (tests/bench/README.md, "Sixth pass: cold start").
    /// </summary>
    public static bool TryGet(string name, [NotNullWhen(true)] out MethodDeclaration? declaration)
    {
        if (Declarations.IsValueCreated)
        {
            return Declarations.Value.TryGetValue(name, out declaration);
        }

        declaration = FoundAlone.GetOrAdd(name, static n => new Lazy<MethodDeclaration?>(() => Find(n))).Value;
        if (declaration is null)
        {
            // No such method: nothing kept for a name nobody declared.
            FoundAlone.TryRemove(name, out _);
            return false;
        }

        return true;
    }

    /// <summary>A new declaration of <paramref name="name"/>, searching the areas in order until it is found.</summary>
    internal static MethodDeclaration? Find(string name)
    {
        foreach (var area in Areas)
        {
            foreach (var (method, attribute) in Declared(area))
            {
                if (attribute.Name == name)
                {
                    return new MethodDeclaration(method, attribute);
                }
            }
        }

        return null;
    }

    private static readonly Type[] Areas =
    [
        typeof(RawMethods),
        typeof(BmcMethods),
        typeof(ChassisMethods),
        typeof(LanMethods),
        typeof(SystemInfoMethods),
        typeof(InventoryMethods),
        typeof(SensorMethods),
        typeof(SessionMethods),
        typeof(DiscoverMethods),
    ];

    private static Dictionary<string, MethodDeclaration> Scan()
    {
        var methods = new Dictionary<string, MethodDeclaration>(StringComparer.Ordinal);
        foreach (var area in Areas)
        {
            foreach (var (method, attribute) in Declared(area))
            {
                methods.Add(attribute.Name, FoundAlone.TryGetValue(attribute.Name, out var alone) && alone.Value is { } found ? found : new MethodDeclaration(method, attribute));
            }
        }

        return methods;
    }

    private static IEnumerable<(MethodInfo Method, RpcMethodAttribute Attribute)> Declared([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods)] Type area)
    {
        foreach (var method in area.GetMethods(BindingFlags.Public | BindingFlags.Static))
        {
            if (method.GetCustomAttribute<RpcMethodAttribute>() is { } attribute)
            {
                yield return (method, attribute);
            }
        }
    }
}
