using IpmiRpc.Core.Sessions;
using IpmiRpc.Host.Methods;
using IpmiRpc.Host.Methods.Declarations;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Hosting;

/// <summary>
/// Places in the per-BMC order (<see cref="BmcOrdering"/>, shared by every connection of the host). The guard takes
/// each request's place as it reads it (<see cref="Enter"/>), so places follow input order even though StreamJsonRpc
/// may start the methods in another; the place travels with the request (<see cref="Protocol.ForwardedRequest"/>) to
/// <see cref="MethodEndpoint"/>, which waits for its turn and releases it when done.
/// </summary>
internal sealed class RequestTickets(HostContext host)
{
    /// <summary>A place for a request that talks to one BMC; null for methods that don't (sessions.list, …) and fan-outs.</summary>
    public BmcOrdering.Ticket? Enter(string method, JToken? parameters)
    {
        var access = MethodCatalog.TryGet(method, out var declaration) ? declaration.AccessOf(parameters as JObject) : BmcAccess.None;
        // A fan-out (targets) has no one BMC to queue behind: its calls are bounded by the fan-out limits instead.
        if (access == BmcAccess.None || (parameters as JObject)?.ContainsKey(MethodDeclaration.TargetsParam) == true
            || host.Targets.BmcOf((parameters as JObject)?["target"]) is not { } bmc)
        {
            // A target that cannot be read fails resolution when the method runs; it has nothing to order.
            return null;
        }

        return host.Ordering.Enter(bmc, access == BmcAccess.Write);
    }
}
