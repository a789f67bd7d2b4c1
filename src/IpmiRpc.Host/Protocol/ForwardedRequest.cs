using IpmiRpc.Core.Sessions;
using Newtonsoft.Json.Linq;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace IpmiRpc.Host.Protocol;

/// <summary>
/// A request as the guard hands it to StreamJsonRpc, under its internal id: its params object as it is (the formatter
/// would copy it into a dictionary and then into a new object for the method, node by node) and its place in its BMC's
/// write order, taken as the guard read it. A method with a parameter gets the request itself as its one argument; a
/// method without parameters takes requests without params, as it would from the formatter. The method takes the
/// place (<see cref="TakeTurn"/>); when the answer is written and the method never took it (StreamJsonRpc refused the
/// request, or it was cancelled before it started), the guard releases it. No lookup by id, no async-local state.
/// </summary>
internal sealed class ForwardedRequest : JsonRpcRequest
{
    private BmcOrdering.Ticket? _turn;

    public ForwardedRequest(long internalId, string method, JObject? parameters)
    {
        RequestId = new RequestId(internalId);
        Method = method;
        Params = parameters;
    }

    public long InternalId => RequestId.Number!.Value;

    public JObject? Params { get; }

    public override int ArgumentCount => Params is null ? 0 : 1;

    public override bool TryGetArgumentByNameOrIndex(string? name, int position, Type? typeHint, out object? value)
    {
        value = position == 0 ? this : null;
        return position == 0;
    }

    /// <summary>Set by the guard before StreamJsonRpc can see the request.</summary>
    internal void HoldTurn(BmcOrdering.Ticket? turn) => _turn = turn;

    /// <summary>The place, to whoever asks first (the method, or the guard once answered); null after that.</summary>
    public BmcOrdering.Ticket? TakeTurn() => Interlocked.Exchange(ref _turn, null);
}
