using IpmiRpc.Host.Methods.Declarations;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Methods;

/// <summary><c>rpc.discover</c>: the OpenRPC document (service discovery, OpenRPC spec §"Service Discovery Method").</summary>
public static class DiscoverMethods
{
    [RpcMethod("rpc.discover", "This OpenRPC document.", ResultName = "openrpcDocument", TakesTarget = false)]
    public static Task<JObject> DiscoverAsync(RpcCall call) => Task.FromResult(call.Host.Schema.Document);
}
