namespace IpmiRpc.Host.Methods;

/// <summary>A method implementation: reads <see cref="RpcCall.Params"/>, returns a result object (serialized camelCase).</summary>
public delegate Task<object?> RpcHandler(RpcCall call);

/// <summary>Method name → implementation. Filled by <see cref="MethodRegistry.RegisterAll"/>.</summary>
public sealed class MethodTable
{
    private readonly Dictionary<string, RpcHandler> _methods = new(StringComparer.Ordinal);

    public void Add(string name, RpcHandler handler) => _methods.Add(name, handler);

    public bool Contains(string name) => _methods.ContainsKey(name);

    public IReadOnlyDictionary<string, RpcHandler> All => _methods;
}
