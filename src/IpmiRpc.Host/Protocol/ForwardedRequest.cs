using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;
using IpmiRpc.Core.Sessions;
using IpmiRpc.Host.Methods;
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
/// <remarks>
/// It also runs itself (<see cref="RunAsync"/>): started where JsonRpc's own dispatch would start it (its
/// synchronization context, else the thread pool, as its own work item) and awaited by JsonRpc as its own one-shot
/// <see cref="IValueTaskSource{T}"/>.
/// </remarks>
internal sealed class ForwardedRequest : JsonRpcRequest, IThreadPoolWorkItem, IValueTaskSource<JsonRpcMessage>
{
    private BmcOrdering.Ticket? _turn;
    private ManualResetValueTaskSourceCore<JsonRpcMessage> _answer;
    private MethodEndpoint? _endpoint;
    private IpmiJsonRpc? _rpc;
    private CancellationToken _cancellation;
    private ConfiguredValueTaskAwaitable<object?>.ConfiguredValueTaskAwaiter _running;

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

    /// <summary>
    /// Starts <paramref name="endpoint"/> where JsonRpc would: posted to its <paramref name="context"/> when it has one,
    /// else on the thread pool. Completes with the answer JsonRpc would make. Called once.
    /// </summary>
    internal ValueTask<JsonRpcMessage> RunAsync(MethodEndpoint endpoint, IpmiJsonRpc rpc, SynchronizationContext? context, CancellationToken cancellationToken)
    {
        _endpoint = endpoint;
        _rpc = rpc;
        _cancellation = cancellationToken;
        if (context is null)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
        else
        {
            context.Post(static request => ((IThreadPoolWorkItem)request!).Execute(), this);
        }

        // A context that runs the post at once may have the answer already: handed back as a value, JsonRpc has
        // nothing to wait for.
        return _answer.GetStatus(_answer.Version) == ValueTaskSourceStatus.Succeeded
            ? new ValueTask<JsonRpcMessage>(_answer.GetResult(_answer.Version))
            : new ValueTask<JsonRpcMessage>(this, _answer.Version);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "Every failure becomes the request's error answer, as in JsonRpc.")]
    void IThreadPoolWorkItem.Execute()
    {
        ValueTask<object?> running;
        try
        {
            running = _endpoint!.RunAsync(this, _cancellation);
        }
        catch (Exception ex)
        {
            _answer.SetResult(_rpc!.ErrorOf(this, ex));
            return;
        }

        _running = running.ConfigureAwait(false).GetAwaiter();
        if (_running.IsCompleted)
        {
            Answer();
        }
        else
        {
            _running.UnsafeOnCompleted(Answer);
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "Every failure becomes the request's error answer, as in JsonRpc.")]
    private void Answer()
    {
        JsonRpcMessage message;
        try
        {
            message = IpmiJsonRpc.ResultOf(this, _running.GetResult());
        }
        catch (Exception ex)
        {
            message = _rpc!.ErrorOf(this, ex);
        }

        _running = default;
        _answer.SetResult(message);
    }

    JsonRpcMessage IValueTaskSource<JsonRpcMessage>.GetResult(short token) => _answer.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<JsonRpcMessage>.GetStatus(short token) => _answer.GetStatus(token);

    void IValueTaskSource<JsonRpcMessage>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _answer.OnCompleted(continuation, state, token, flags);
}
