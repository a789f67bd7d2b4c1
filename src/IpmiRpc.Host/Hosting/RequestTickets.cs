using System.Collections.Concurrent;
using IpmiRpc.Core.Sessions;
using IpmiRpc.Host.Methods;
using IpmiRpc.Host.Methods.Declarations;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Hosting;

/// <summary>
/// One connection's places in the per-BMC order (<see cref="BmcOrdering"/>, shared by every connection of the host).
/// The guard reports each request as it reads it (<see cref="Arrived"/>), so the place is taken in input order even
/// though StreamJsonRpc may start the methods in another; <see cref="MethodEndpoint"/> takes its ticket by the
/// request's internal id, waits for its turn and releases it when done. A request answered without running (refused
/// by StreamJsonRpc, cancelled before it started) releases its place when the answer is written.
/// </summary>
internal sealed class RequestTickets(HostContext host)
{
    // The internal id of the request StreamJsonRpc is dispatching, set by IpmiJsonRpc around the method call.
    private static readonly AsyncLocal<long?> Dispatching = new();

    private readonly ConcurrentDictionary<long, BmcOrdering.Ticket> _tickets = new();

    /// <summary>The internal id of the request being dispatched on this async flow, if any.</summary>
    public static long? CurrentRequestId
    {
        get => Dispatching.Value;
        set => Dispatching.Value = value;
    }

    /// <summary>Requests holding or waiting for a place (for tests: nothing leaks).</summary>
    public int Count => _tickets.Count;

    /// <summary>Takes a place for a request that talks to a BMC; methods that don't (sessions.list, …) take none.</summary>
    public void Arrived(long requestId, string method, JToken? parameters)
    {
        var access = MethodCatalog.TryGet(method, out var declaration) ? declaration.AccessOf(parameters as JObject) : BmcAccess.None;
        // A fan-out (targets) has no one BMC to queue behind: its calls are bounded by the fan-out limits instead.
        if (access == BmcAccess.None || (parameters as JObject)?.ContainsKey(MethodDeclaration.TargetsParam) == true
            || host.Targets.BmcOf((parameters as JObject)?["target"]) is not { } bmc)
        {
            // A target that cannot be read fails resolution when the method runs; it has nothing to order.
            return;
        }

        _tickets[requestId] = host.Ordering.Enter(bmc, access == BmcAccess.Write);
    }

    /// <summary>Hands the ticket of the request being dispatched to its method (null: nothing to wait for).</summary>
    public BmcOrdering.Ticket? TakeCurrent() =>
        CurrentRequestId is { } id && _tickets.TryRemove(id, out var ticket) ? ticket : null;

    /// <summary>The request was answered: release its place if its method never took it.</summary>
    public void Answered(long requestId)
    {
        if (_tickets.TryRemove(requestId, out var ticket))
        {
            ticket.Dispose();
        }
    }
}
