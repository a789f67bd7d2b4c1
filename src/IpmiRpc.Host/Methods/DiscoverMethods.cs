namespace IpmiRpc.Host.Methods;

/// <summary><c>rpc.discover</c>: the OpenRPC document (service discovery, OpenRPC spec §"Service Discovery Method").</summary>
public static class DiscoverMethods
{
    public static Task<object?> DiscoverAsync(RpcCall call) => Task.FromResult<object?>(call.Host.Schema.Document);
}
