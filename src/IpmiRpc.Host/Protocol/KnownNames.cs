using System.Collections.Frozen;
using IpmiRpc.Host.Methods.Declarations;
using IpmiRpc.Host.Targets;
using Newtonsoft.Json;

namespace IpmiRpc.Host.Protocol;

/// <summary>
/// The property names a request can hold (the envelope, every method's params, every target field), handed to the
/// JSON reader so it reuses one string per name instead of making one for every name of every request. A fixed set
/// read from the declarations, never added to: a client's unknown names cannot make it grow, and it is safe to share.
/// </summary>
internal sealed class KnownNames : JsonNameTable
{
    private static readonly Lazy<KnownNames> Instance = new(() => new KnownNames());

    private readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _names;

    private KnownNames()
    {
        var names = new HashSet<string>(StringComparer.Ordinal) { "jsonrpc", "id", "method", "params", TargetCatalog.TransportField };
        foreach (var declaration in MethodCatalog.All.Values)
        {
            names.UnionWith(declaration.CommonParams);
            names.UnionWith(declaration.Attribute.FanOut ? [MethodDeclaration.TargetsParam] : []);
            names.UnionWith(declaration.Binder?.Members.Select(m => m.Name) ?? []);
        }

        foreach (var kind in TargetCatalog.All)
        {
            names.UnionWith(kind.Binder.Members.Select(m => m.Name));
        }

        _names = names.ToFrozenDictionary(n => n, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public static JsonNameTable Table => Instance.Value;

    public override string? Get(char[] key, int start, int length) =>
        _names.TryGetValue(key.AsSpan(start, length), out var name) ? name : null;
}
