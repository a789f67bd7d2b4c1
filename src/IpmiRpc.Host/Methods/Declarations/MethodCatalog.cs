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

    /// <summary>Method name → declaration, ordinal.</summary>
    public static IReadOnlyDictionary<string, MethodDeclaration> All => Declarations.Value;

    public static bool TryGet(string name, [NotNullWhen(true)] out MethodDeclaration? declaration) =>
        Declarations.Value.TryGetValue(name, out declaration);

    private static Dictionary<string, MethodDeclaration> Scan()
    {
        var methods = new Dictionary<string, MethodDeclaration>(StringComparer.Ordinal);
        Add(methods, typeof(RawMethods));
        Add(methods, typeof(BmcMethods));
        Add(methods, typeof(ChassisMethods));
        Add(methods, typeof(LanMethods));
        Add(methods, typeof(SystemInfoMethods));
        Add(methods, typeof(InventoryMethods));
        Add(methods, typeof(SensorMethods));
        Add(methods, typeof(SessionMethods));
        Add(methods, typeof(DiscoverMethods));
        return methods;
    }

    private static void Add(Dictionary<string, MethodDeclaration> methods, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods)] Type area)
    {
        foreach (var method in area.GetMethods(BindingFlags.Public | BindingFlags.Static))
        {
            if (method.GetCustomAttribute<RpcMethodAttribute>() is { } attribute)
            {
                methods.Add(attribute.Name, new MethodDeclaration(method, attribute));
            }
        }
    }
}
