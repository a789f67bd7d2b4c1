using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using System.Threading.Tasks.Sources;
using IpmiRpc.Host.Hosting;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace IpmiRpc.Host.Protocol;

/// <summary>
/// The guard in front of StreamJsonRpc. Plain StreamJsonRpc drops the whole connection on one malformed line and
/// puts stack traces in error data, so every framed message is parsed and checked here first: parse errors and
/// invalid requests are answered directly, batches are split and their answers gathered, and only well-formed
/// request objects reach <see cref="JsonRpc"/> — under an internal id, so clients may reuse ids across batches and
/// use any id value JSON-RPC allows. Outgoing messages are mapped back to the client's id and their error data is
/// checked once more so nothing internal leaks.
/// </summary>
internal sealed class GuardedMessageHandler : IJsonRpcMessageHandler
{
    private const string CancelRequestMethod = "$/cancelRequest";

    /// <summary>The stdin reader, once out of in-flight slots, resumes when this fraction of them is free again.</summary>
    internal const int ReaderResumeDivisor = 8;
    public const string ProgressMethod = "$/progress";
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    // No line info on the tokens: errors take their position from the reader, and the annotations cost every request.
    private static readonly JsonLoadSettings LoadSettings = new()
    {
        CommentHandling = CommentHandling.Ignore,
        DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Error,
        LineInfoHandling = LineInfoHandling.Ignore,
    };

    private readonly MessageWriter _writer;
    private readonly JsonMessageFormatter _formatter;
    private readonly JsonSerializer _resultSerializer;
    private readonly ILogger _logger;
    private readonly Func<string, bool> _isKnownMethod;
    private readonly ServerOptions _options;
    // Unbounded, yet bounded in practice: a request enters only with one of the _slots, a cancel only for a pending request.
    // Synchronous continuations: the thread that forwards a request runs StreamJsonRpc's read loop and (with
    // InlineDispatchContext) the method's start itself, instead of waking a thread-pool worker to do it.
    private readonly Channel<JsonRpcMessage> _inbound = Channel.CreateUnbounded<JsonRpcMessage>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = true });
    private readonly InboundReader _reader;
    private readonly SemaphoreSlim _slots;
    // The stdin reader, out of slots, sleeps until this many are free again (see WaitForSlotOnReader): it is woken
    // once per batch of answers, never spins, and still never has more than MaxRequestsInFlight in flight.
    private readonly int _readerResumeSlots;
    private readonly ManualResetEventSlim _readerSlotsFree = new(false, spinCount: 0);
    private int _readerWaiting;
    private readonly PendingTable _pending = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ParamsMemo _paramsMemo = new();
    private long _nextId;
    private int _inFlight;
    private volatile bool _inputDone;

    public GuardedMessageHandler(MessageWriter writer, JsonMessageFormatter formatter, JsonSerializer resultSerializer, ILogger logger, Func<string, bool> isKnownMethod, ServerOptions? options = null)
    {
        _options = options ?? new ServerOptions();
        _slots = new SemaphoreSlim(_options.MaxRequestsInFlight, _options.MaxRequestsInFlight);
        _readerResumeSlots = Math.Max(1, _options.MaxRequestsInFlight / ReaderResumeDivisor);
        _reader = new InboundReader(_inbound.Reader);
        _writer = writer;
        _formatter = formatter;
        _resultSerializer = resultSerializer;
        _logger = logger;
        _isKnownMethod = isKnownMethod;
    }

    public bool CanRead => true;

    public bool CanWrite => true;

    public IJsonRpcMessageFormatter Formatter => _formatter;

    /// <summary>Completes once input has ended and every forwarded request has been answered.</summary>
    public Task Drained => _drained.Task;

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Told of each request as it is read and when it is answered: its place in the BMC write order.</summary>
    internal Hosting.RequestTickets? Tickets { get; init; }

    /// <summary>The next message for StreamJsonRpc (its one read loop calls this, one read at a time); null once outbound is complete.</summary>
    public ValueTask<JsonRpcMessage?> ReadAsync(CancellationToken cancellationToken) => _reader.ReadAsync(cancellationToken);

    public async ValueTask WriteAsync(JsonRpcMessage jsonRpcMessage, CancellationToken cancellationToken)
    {
        RequestId requestId;
        switch (jsonRpcMessage)
        {
            case JsonRpcResult r:
                requestId = r.RequestId;
                break;
            case JsonRpcError e:
                requestId = e.RequestId;
                break;
            default:
                _logger.LogDebug("Dropped an outgoing {Type} (the host never calls the client)", jsonRpcMessage.GetType().Name);
                return;
        }

        if (requestId.Number is not { } internalId || !_pending.TryRemove(internalId, out var pending))
        {
            _logger.LogWarning("Dropped a response for unknown request {Id}", requestId);
            return;
        }

        // A place the method never took (refused, or cancelled before it started) is given up with the answer.
        pending.Request?.TakeTurn()?.Dispose();

        try
        {
            if (pending.IsNotification)
            {
                return;
            }

            await DeliverAsync(jsonRpcMessage, pending).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            ReleaseSlot();
            CheckDrained();
        }
    }

    /// <summary>
    /// Builds and writes one answer. Whatever goes wrong here (a result that cannot be serialized, even running out of
    /// memory on a huge one) fails this request only: StreamJsonRpc must never see an exception from a write, or the
    /// connection stops answering for good.
    /// </summary>
    private async Task DeliverAsync(JsonRpcMessage message, Pending pending)
    {
        ArraySegment<byte> body;
        var rented = false;
        try
        {
            // An answer of its own is written from a pooled array; a batch keeps each answer until the array is complete.
            var response = BuildResponse(message, pending, rent: pending.Batch is null, out rented);
            if (pending.Batch is { } batch)
            {
                if (batch.Add(response.Array!, pending.Echo) is not { } array)
                {
                    return;
                }

                body = array;
            }
            else
            {
                body = response;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogError(ex, "Could not build the answer of {Method}", pending.Method);
            var failed = RpcError.Response(pending.Echo, new RpcError(JsonRpcErrorCodes.InternalError, "Internal error", null));
            if (pending.Batch is { } batch)
            {
                if (batch.Add(MessageWriter.Serialize(failed), pending.Echo) is not { } array)
                {
                    return;
                }

                body = array;
            }
            else
            {
                body = MessageWriter.Serialize(failed);
            }
        }

        try
        {
            await _writer.WriteBodyAsync(body, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            if (rented)
            {
                ArrayPool<byte>.Shared.Return(body.Array!);
            }
        }
    }

    /// <summary>
    /// A <c>$/progress</c> notification for a request still in flight: <c>{"id": its id as sent, "done", "total"}</c>.
    /// Nothing for a notification (no id to name) or an answered request. Never throws: progress is advisory.
    /// </summary>
    public async ValueTask NotifyProgressAsync(long internalId, int done, int total, CancellationToken cancellationToken)
    {
        if (!_pending.TryGetValue(internalId, out var pending) || pending.IsNotification)
        {
            return;
        }

        var notification = new JObject
        {
            ["jsonrpc"] = "2.0",
            ["method"] = ProgressMethod,
            ["params"] = new JObject { ["id"] = pending.Echo?.DeepClone() ?? JValue.CreateNull(), ["done"] = done, ["total"] = total },
        };
        try
        {
            await _writer.WriteAsync(notification, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            _logger.LogDebug(ex, "Progress of {Method} not delivered", pending.Method);
        }
    }

    /// <summary>
    /// Handles one framed message from the reader (called sequentially, in input order). Returns only once every
    /// request in it holds an in-flight slot, which is what holds the reader back.
    /// </summary>
    public async Task AcceptAsync(FramedMessage message, CancellationToken cancellationToken = default)
    {
        if (_inputDone)
        {
            return;
        }

        if (message.Error is { } frameError)
        {
            var recovered = frameError.RawId is { } rawId ? new JRaw(rawId) : null;
            await _writer.WriteAsync(RpcError.Response(recovered, RpcError.Invalid(frameError.Code, "message", frameError.Reason))).ConfigureAwait(false);
            return;
        }

        // A plain request is read in place, without its JSON tree (RequestScanner); anything else is read whole below,
        // which is also where every error is made.
        var body = message.Body!;
        if (System.Text.Unicode.Utf8.IsValid(body)
            && RequestScanner.TryScan(body, body.AsSpan().StartsWith(Utf8Bom) ? Utf8Bom.Length : 0, _paramsMemo, out var scanned))
        {
            await WaitForSlotAsync(cancellationToken).ConfigureAwait(false);
            var answer = Forward(scanned.Method, scanned.Id, scanned.Echo, scanned.Params, request: null, batch: null, scanned.IsNotification, out var sent);
            if (!sent)
            {
                ReleaseSlot();
            }

            if (answer is not null)
            {
                await _writer.WriteAsync(answer).ConfigureAwait(false);
            }

            return;
        }

        JToken token;
        List<string?> rawIds;
        try
        {
            token = Parse(body, out rawIds);
        }
        catch (ParseFailure failure)
        {
            await _writer.WriteAsync(RpcError.Response(null, failure.Error)).ConfigureAwait(false);
            return;
        }

        if (token is JArray array)
        {
            if (array.Count == 0)
            {
                await _writer.WriteAsync(RpcError.Response(null, RpcError.Invalid(JsonRpcErrorCodes.InvalidRequest, "message", "empty batch"))).ConfigureAwait(false);
                return;
            }

            if (array.Count > _options.MaxBatchElements)
            {
                await _writer.WriteAsync(RpcError.Response(null, RpcError.Invalid(JsonRpcErrorCodes.InvalidRequest, "message",
                    $"batch too large: at most {_options.MaxBatchElements.ToString(System.Globalization.CultureInfo.InvariantCulture)} requests per batch"))).ConfigureAwait(false);
                return;
            }

            var batch = new Batch(_options.MaxBatchAnswerBytes);
            for (var i = 0; i < array.Count; i++)
            {
                await DispatchAsync(array[i], batch, rawIds.ElementAtOrDefault(i), cancellationToken).ConfigureAwait(false);
            }

            if (batch.Seal() is { } complete)
            {
                await _writer.WriteBodyAsync(complete).ConfigureAwait(false);
            }

            return;
        }

        if (await DispatchAsync(token, null, rawIds.ElementAtOrDefault(0), cancellationToken).ConfigureAwait(false) is { } immediate)
        {
            await _writer.WriteAsync(immediate).ConfigureAwait(false);
        }
    }

    /// <summary>No more input: once in-flight requests are answered, let StreamJsonRpc see the end of the stream.</summary>
    public void CompleteInput()
    {
        _inputDone = true;
        CheckDrained();
    }

    public void CompleteOutbound() => _inbound.Writer.TryComplete();

    /// <summary>
    /// The connection is gone (its output broke, its peer hung up) or the process is stopping: cancel every request
    /// in flight. Their answers still pass through <see cref="WriteAsync"/>, which frees their slots.
    /// </summary>
    public void CancelInFlight()
    {
        foreach (var (internalId, _) in _pending.Snapshot())
        {
            SendCancel(internalId);
        }
    }

    private void CheckDrained()
    {
        if (_inputDone && Volatile.Read(ref _inFlight) == 0)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>
    /// Takes an in-flight slot. On the stdin reader thread the wait blocks that thread: an asynchronous wait on a
    /// <see cref="SemaphoreSlim"/> resumes through the thread pool, so every request of a burst past
    /// MaxRequestsInFlight woke a pool worker to start it while the reader waited for that worker in turn.
    /// </summary>
    private Task WaitForSlotAsync(CancellationToken cancellationToken)
    {
        if (DedicatedReader.OnReaderThread)
        {
            WaitForSlotOnReader(cancellationToken);
            return Task.CompletedTask;
        }

        return _slots.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// The reader's wait for a slot: when none is free it sleeps, without spinning, until an eighth of them are. A
    /// blocking <see cref="SemaphoreSlim.Wait(CancellationToken)"/> spins and yields before it sleeps, and in a burst
    /// past the limit the reader met it once per request, burning the cores the receive threads and the BMC need and
    /// waking once per answer (tests/bench/README.md, "Sixth pass: burst evenness"). While it sleeps, the requests
    /// still in flight keep the session busy.
    /// </summary>
    private void WaitForSlotOnReader(CancellationToken cancellationToken)
    {
        while (!_slots.Wait(0, cancellationToken))
        {
            _readerSlotsFree.Reset();
            // Announced before the count is read, a full fence between (ReleaseSlot reads them the other way round):
            // either this thread sees the batch free or the releaser that freed it sees the reader waiting.
            Interlocked.Exchange(ref _readerWaiting, 1);
            try
            {
                if (_slots.CurrentCount < _readerResumeSlots)
                {
                    if (_logger.IsEnabled(LogLevel.Debug))
                    {
                        _logger.LogDebug("Out of in-flight slots: input is read on once {Slots} are free", _readerResumeSlots);
                    }

                    // The answers the writer holds for the reader go out before it sleeps (MessageWriter.FlushHeld).
                    _writer.FlushHeld();
                    _readerSlotsFree.Wait(cancellationToken);
                }
            }
            finally
            {
                Volatile.Write(ref _readerWaiting, 0);
            }
        }
    }

    private void ReleaseSlot()
    {
        _slots.Release();
        Interlocked.MemoryBarrier();
        // One releaser wakes it: several receive threads setting the event at once contended for its lock.
        if (Volatile.Read(ref _readerWaiting) != 0 && _slots.CurrentCount >= _readerResumeSlots && Interlocked.Exchange(ref _readerWaiting, 0) != 0)
        {
            _readerSlotsFree.Set();
        }
    }

    /// <summary>
    /// Waits for an in-flight slot, then dispatches. While the connection has MaxRequestsInFlight requests unanswered
    /// no more input is read, and the client's pipe pushes back on it.
    /// </summary>
    private async Task<JObject?> DispatchAsync(JToken token, Batch? batch, string? rawId, CancellationToken cancellationToken)
    {
        await WaitForSlotAsync(cancellationToken).ConfigureAwait(false);
        var immediate = Dispatch(token, batch, rawId, out var forwarded);
        if (!forwarded)
        {
            ReleaseSlot();
        }

        return immediate;
    }

    /// <summary>
    /// Validates one request object; returns an immediate response (errors the guard answers) or null.
    /// <paramref name="rawId"/>: the id exactly as the client wrote it, echoed in the answer.
    /// <paramref name="forwarded"/>: the request went to StreamJsonRpc and holds its slot until answered.
    /// </summary>
    private JObject? Dispatch(JToken token, Batch? batch, string? rawId, out bool forwarded)
    {
        forwarded = false;
        var immediate = Validate(token, out var request, out var id, out var isNotification);
        var echo = rawId is not null && id is not null ? new JRaw(rawId) : id;
        if (immediate is not null)
        {
            // An invalid request is answered even without an id: it cannot be trusted to be a notification.
            return Answer(batch, RpcError.Response(echo, immediate));
        }

        var method = (string)request!["method"]!;
        if (method == CancelRequestMethod)
        {
            ForwardCancel(request);
            // Sent with an id, a cancel is a request like any other and gets its answer (null: passed on, whether or
            // not anything was still running under that id).
            return isNotification ? null : Answer(batch, new JObject { ["jsonrpc"] = "2.0", ["id"] = echo, ["result"] = JValue.CreateNull() });
        }

        var parameters = request["params"];
        if (parameters is { Type: JTokenType.Null })
        {
            request.Remove("params");
            parameters = null;
        }
        else if (parameters is JArray && _isKnownMethod(method))
        {
            return Answer(batch, isNotification ? null : RpcError.Response(echo, RpcError.Invalid(
                JsonRpcErrorCodes.InvalidParams, "params", "must be an object of named parameters")));
        }

        return Forward(method, id, echo, parameters, request, batch, isNotification, out forwarded);
    }

    /// <summary>
    /// Hands a valid request to StreamJsonRpc under a new internal id; null, or the error answered when StreamJsonRpc
    /// refuses it. <paramref name="request"/>: the whole request, needed only for params that are not an object.
    /// </summary>
    private JObject? Forward(string method, JToken? id, JToken? echo, JToken? parameters, JObject? request, Batch? batch, bool isNotification, out bool forwarded)
    {
        forwarded = false;
        var internalId = Interlocked.Increment(ref _nextId);
        var forwardedRequest = parameters is null or JObject ? new ForwardedRequest(internalId, method, parameters as JObject) : null;
        _pending.Add(internalId, new Pending(id, echo, method, batch, isNotification, forwardedRequest));
        batch?.Expect(isNotification);
        Interlocked.Increment(ref _inFlight);

        JsonRpcMessage message;
        try
        {
            message = forwardedRequest ?? ToFormatterRequest(request!, internalId);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            _pending.TryRemove(internalId, out _);
            batch?.Unexpect(isNotification);
            Interlocked.Decrement(ref _inFlight);
            _logger.LogDebug(ex, "StreamJsonRpc rejected a request the guard accepted");
            return Answer(batch, isNotification ? null : RpcError.Response(echo, RpcError.Invalid(JsonRpcErrorCodes.InvalidRequest, "message", "not a valid JSON-RPC request")));
        }

        // The place in its BMC's write order is taken here, in input order, before the dispatcher can start it.
        forwardedRequest?.HoldTurn(Tickets?.Enter(method, parameters));
        forwarded = _inbound.Writer.TryWrite(message);
        if (!forwarded)
        {
            // Input after the dispatcher stopped: nobody will answer it.
            forwardedRequest?.TakeTurn()?.Dispose();
            _pending.TryRemove(internalId, out _);
            batch?.Unexpect(isNotification);
            Interlocked.Decrement(ref _inFlight);
        }

        return null;
    }

    /// <summary>
    /// A request whose params are neither an object nor absent (an array, for a method the host does not declare), as
    /// the formatter reads it, under its internal id. Every other request is a <see cref="ForwardedRequest"/>.
    /// </summary>
    private JsonRpcMessage ToFormatterRequest(JObject request, long internalId)
    {
        request["id"] = internalId;
        return _formatter.Deserialize(request);
    }

    private JObject? Answer(Batch? batch, JObject? response)
    {
        if (response is null)
        {
            return null;
        }

        if (batch is null)
        {
            return response;
        }

        batch.AddImmediate(response, _logger);
        return null;
    }

    private void ForwardCancel(JObject request)
    {
        if (request["params"] is not JObject { } p || p["id"] is not { } clientId)
        {
            return;
        }

        // Ids are the client's, per connection, and may repeat (across batches, even within one): every request
        // in flight on this connection with that id is cancelled.
        foreach (var (internalId, pending) in _pending.Snapshot())
        {
            if (!pending.IsNotification && JToken.DeepEquals(pending.ClientId, clientId))
            {
                SendCancel(internalId);
            }
        }
    }

    private void SendCancel(long internalId)
    {
        var cancel = new JObject
        {
            ["jsonrpc"] = "2.0",
            ["method"] = CancelRequestMethod,
            ["params"] = new JObject { ["id"] = internalId },
        };
        _inbound.Writer.TryWrite(_formatter.Deserialize(cancel));
    }

    private static RpcError? Validate(JToken token, out JObject? request, out JToken? id, out bool isNotification)
    {
        request = null;
        id = null;
        isNotification = false;
        if (token is not JObject obj)
        {
            return RpcError.Invalid(JsonRpcErrorCodes.InvalidRequest, "message", "a request must be a JSON object");
        }

        if (obj.TryGetValue("id", StringComparison.Ordinal, out var rawId))
        {
            if (rawId.Type is JTokenType.String or JTokenType.Integer or JTokenType.Float or JTokenType.Null)
            {
                id = rawId;
            }
            else
            {
                return RpcError.Invalid(JsonRpcErrorCodes.InvalidRequest, "id", "must be a string, a number or null");
            }
        }
        else
        {
            isNotification = true;
        }

        if (obj["jsonrpc"] is not JValue { Type: JTokenType.String, Value: "2.0" })
        {
            return RpcError.Invalid(JsonRpcErrorCodes.InvalidRequest, "jsonrpc", "must be the string \"2.0\"");
        }

        if (obj["method"] is not JValue { Type: JTokenType.String } method || string.IsNullOrEmpty((string?)method))
        {
            return RpcError.Invalid(JsonRpcErrorCodes.InvalidRequest, "method", "must be a non-empty string");
        }

        if (obj["params"] is { } p && p.Type is not (JTokenType.Object or JTokenType.Array or JTokenType.Null))
        {
            return RpcError.Invalid(JsonRpcErrorCodes.InvalidRequest, "params", "must be an object or an array");
        }

        request = obj;
        return null;
    }

    private static JToken Parse(byte[] body, out List<string?> rawIds)
    {
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            throw new ParseFailure(RpcError.Invalid(JsonRpcErrorCodes.ParseError, "message", "not valid UTF-8"));
        }

        // A BOM is tolerated: some Windows tools prepend one.
        var json = body.AsSpan();
        if (json.StartsWith(Utf8Bom))
        {
            json = json[Utf8Bom.Length..];
        }

        var token = ParseLenient(new Utf8TextReader(body, body.Length - json.Length), KnownNames.Table);
        if (StrictJson.Check(json, out rawIds) is { } problem)
        {
            throw new ParseFailure(RpcError.Invalid(JsonRpcErrorCodes.ParseError, "message", problem));
        }

        return token;
    }

    /// <summary>
    /// The one JSON reading rule for requests (also <c>ipmirpc call --params</c>): strict RFC 8259 (no comments, NaN,
    /// single quotes, unquoted names or trailing commas), strings stay strings (no date guessing), duplicate names
    /// refused, depth ≤ 64, nothing after the value. Throws <see cref="ParseFailure"/> carrying the JSON-RPC error.
    /// </summary>
    internal static JToken ParseText(string text)
    {
        // One message per process (`ipmirpc call`): building the shared name table would cost more than it saves.
        var token = ParseLenient(new StringReader(text), names: null);
        if (StrictJson.Check(Encoding.UTF8.GetBytes(text), out _) is { } problem)
        {
            throw new ParseFailure(RpcError.Invalid(JsonRpcErrorCodes.ParseError, "message", problem));
        }

        return token;
    }

    /// <summary>Newtonsoft's reading (it builds the tree); <see cref="StrictJson"/> then refuses what RFC 8259 does not allow.</summary>
    internal static JToken ParseLenient(TextReader text, JsonNameTable? names)
    {
        using var reader = new JsonTextReader(text)
        {
            PropertyNameTable = names,
            MaxDepth = 64,
            DateParseHandling = DateParseHandling.None,
            FloatParseHandling = FloatParseHandling.Double,
            ArrayPool = JsonBytes.CharPool.Instance,
        };
        try
        {
            var token = JToken.ReadFrom(reader, LoadSettings);
            while (reader.Read())
            {
                if (reader.TokenType != JsonToken.Comment)
                {
                    throw new ParseFailure(RpcError.Invalid(JsonRpcErrorCodes.ParseError, "message", "unexpected content after the JSON value"));
                }
            }

            return token;
        }
        catch (JsonReaderException ex) when (ex.Message.Contains("MaxDepth", StringComparison.Ordinal))
        {
            throw new ParseFailure(RpcError.Invalid(JsonRpcErrorCodes.InvalidRequest, "message", "nested deeper than 64 levels"));
        }
        catch (JsonException ex)
        {
            throw new ParseFailure(RpcError.Invalid(JsonRpcErrorCodes.ParseError, "message", Describe(ex)));
        }
    }

    private static string Describe(JsonException ex) =>
        ex is JsonReaderException r && r.LineNumber > 0
            ? $"invalid JSON near character {r.LinePosition.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
            : "invalid JSON";

    /// <summary>
    /// <c>{"jsonrpc":"2.0","id":…,"result":…}</c> written straight from the method's return value: the same text as
    /// building the response object with <c>JToken.FromObject</c> and writing it, without the tree in between.
    /// </summary>
    internal static byte[] ResultResponse(JToken? echo, object? result, JsonSerializer serializer) =>
        ResultResponse(echo, result, serializer, rent: false).Array!;

    /// <summary>As <see cref="ResultResponse(JToken?, object?, JsonSerializer)"/>; <paramref name="rent"/>: in an array from the shared pool.</summary>
    private static ArraySegment<byte> ResultResponse(JToken? echo, object? result, JsonSerializer serializer, bool rent)
    {
        var state = (Echo: echo, Result: result, Serializer: serializer);
        return rent ? JsonBytes.WriteRented(state, WriteResultResponse) : JsonBytes.Write(state, WriteResultResponse);
    }

    private static readonly Action<JsonWriter, (JToken? Echo, object? Result, JsonSerializer Serializer)> WriteResultResponse = static (writer, r) =>
        {
            writer.WriteStartObject();
            writer.WritePropertyName("jsonrpc");
            writer.WriteValue("2.0");
            writer.WritePropertyName("id");
            if (r.Echo is null)
            {
                writer.WriteNull();
            }
            else
            {
                r.Echo.WriteTo(writer);
            }

            writer.WritePropertyName("result");
            r.Serializer.Serialize(writer, r.Result);
            writer.WriteEndObject();
        };

    /// <summary>
    /// The answer's bytes: a result is serialized straight from the method's return value (no JSON tree), into a pooled
    /// array when <paramref name="rent"/> (then <paramref name="rented"/>: the caller returns it).
    /// </summary>
    private ArraySegment<byte> BuildResponse(JsonRpcMessage message, Pending pending, bool rent, out bool rented)
    {
        rented = false;
        if (message is JsonRpcResult result)
        {
            try
            {
                var bytes = ResultResponse(pending.Echo, result.Result, _resultSerializer, rent);
                rented = rent;
                return bytes;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Includes OutOfMemoryException on an absurdly large result: this request fails, the process serves on.
                _logger.LogError(ex, "Could not serialize the result of {Method}", pending.Method);
                return MessageWriter.Serialize(RpcError.Response(pending.Echo, new RpcError(JsonRpcErrorCodes.InternalError, "Internal error", null)));
            }
        }

        var detail = ((JsonRpcError)message).Error;
        var code = (int)(detail?.Code ?? JsonRpcErrorCode.InternalError);
        RpcError error = detail?.Data switch
        {
            TrustedErrorData trusted => new RpcError(code, detail.Message ?? "Error", trusted.Value),
            _ => code switch
            {
                // StreamJsonRpc's own errors: keep the code, replace message and data with ours.
                JsonRpcErrorCodes.MethodNotFound => RpcError.Invalid(code, "method", $"no method named '{pending.Method}'"),
                JsonRpcErrorCodes.InvalidParams => RpcError.Invalid(code, "params", "parameters do not match the method"),
                JsonRpcErrorCodes.RequestCanceled => new RpcError(code, "Request canceled", null),
                _ => new RpcError(JsonRpcErrorCodes.InternalError, "Internal error", null),
            },
        };
        return MessageWriter.Serialize(RpcError.Response(pending.Echo, error));
    }

    /// <summary>
    /// Reads <see cref="_inbound"/> for StreamJsonRpc's read loop without an allocation per read: an async method that
    /// waits cost a state machine box, and a wait given StreamJsonRpc's (cancellable) token a new channel waiter, per
    /// request read one at a time. Here a read that has to wait waits on the channel without a token (its reused
    /// waiter) and completes this one reused source; the token is registered once and fails a waiting read with
    /// <see cref="OperationCanceledException"/>, as the channel's wait did.
    /// </summary>
    private sealed class InboundReader(ChannelReader<JsonRpcMessage> channel) : IValueTaskSource<JsonRpcMessage?>
    {
        private ManualResetValueTaskSourceCore<JsonRpcMessage?> _read;
        private ConfiguredValueTaskAwaitable<bool>.ConfiguredValueTaskAwaiter _wait;
        private CancellationToken _token;
        private CancellationTokenRegistration _onCancel;
        private Action? _onReadable;
        private int _waiting;

        public ValueTask<JsonRpcMessage?> ReadAsync(CancellationToken cancellationToken)
        {
            if (cancellationToken != _token)
            {
                _onCancel.Dispose();
                _token = cancellationToken;
                _onCancel = cancellationToken.UnsafeRegister(static reader => ((InboundReader)reader!).Cancel(), this);
            }

            while (true)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return ValueTask.FromCanceled<JsonRpcMessage?>(cancellationToken);
                }

                if (channel.TryRead(out var message))
                {
                    return new ValueTask<JsonRpcMessage?>(message);
                }

                var wait = channel.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false).GetAwaiter();
                if (wait.IsCompleted)
                {
                    // Completed: false once outbound is complete (throws if it completed with an error, as before).
                    if (!wait.GetResult())
                    {
                        return new ValueTask<JsonRpcMessage?>((JsonRpcMessage?)null);
                    }

                    continue;
                }

                _read.Reset();
                _wait = wait;
                Volatile.Write(ref _waiting, 1);
                wait.UnsafeOnCompleted(_onReadable ??= OnReadable);
                if (cancellationToken.IsCancellationRequested)
                {
                    // Cancelled before the read was waiting: the registration found nothing to fail.
                    Cancel();
                }

                return new ValueTask<JsonRpcMessage?>(this, _read.Version);
            }
        }

        [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "The channel's failure is the read's, as awaiting it was.")]
        private void OnReadable()
        {
            while (Volatile.Read(ref _waiting) == 1)
            {
                bool readable;
                try
                {
                    readable = _wait.GetResult();
                }
                catch (Exception ex)
                {
                    Finish(null, ex);
                    return;
                }

                if (!readable)
                {
                    Finish(null, null);
                    return;
                }

                if (channel.TryRead(out var message))
                {
                    Finish(message, null);
                    return;
                }

                _wait = channel.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false).GetAwaiter();
                if (!_wait.IsCompleted)
                {
                    _wait.UnsafeOnCompleted(_onReadable!);
                    return;
                }
            }
        }

        private void Cancel() => Finish(null, new OperationCanceledException(_token));

        private void Finish(JsonRpcMessage? message, Exception? error)
        {
            if (Interlocked.Exchange(ref _waiting, 0) != 1)
            {
                return;
            }

            if (error is null)
            {
                _read.SetResult(message);
            }
            else
            {
                _read.SetException(error);
            }
        }

        public JsonRpcMessage? GetResult(short token) => _read.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _read.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _read.OnCompleted(continuation, state, token, flags);
    }

    /// <summary>
    /// The requests in flight by internal id, under a lock: a concurrent dictionary made a node per request, and the
    /// table is touched twice per request (forwarded, answered), briefly, and walked only to cancel.
    /// </summary>
    private sealed class PendingTable
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<long, Pending> _byId = [];

        public void Add(long internalId, Pending pending)
        {
            lock (_lock)
            {
                _byId[internalId] = pending;
            }
        }

        public bool TryGetValue(long internalId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Pending? pending)
        {
            lock (_lock)
            {
                return _byId.TryGetValue(internalId, out pending);
            }
        }

        public bool TryRemove(long internalId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Pending? pending)
        {
            lock (_lock)
            {
                return _byId.Remove(internalId, out pending);
            }
        }

        public List<KeyValuePair<long, Pending>> Snapshot()
        {
            lock (_lock)
            {
                return [.. _byId];
            }
        }
    }

    /// <param name="ClientId">The id as parsed: what <c>$/cancelRequest</c> is matched against.</param>
    /// <param name="Echo">The id as sent (raw text): what the answer carries.</param>
    /// <param name="Request">What StreamJsonRpc was given (null when it went through the formatter).</param>
    private sealed record Pending(JToken? ClientId, JToken? Echo, string Method, Batch? Batch, bool IsNotification, ForwardedRequest? Request);

    internal sealed class ParseFailure(RpcError error) : Exception(error.Message)
    {
        public RpcError Error { get; } = error;
    }

    /// <summary>
    /// Collects the answers of one batch array, serialized as they arrive; complete when sealed and every expected
    /// answer arrived. Answers that would take the array past its byte limit are replaced by a short error, so the
    /// array never grows past the limit plus one small error per request.
    /// </summary>
    private sealed class Batch(int maxAnswerBytes)
    {
        private readonly Lock _lock = new();
        private readonly List<byte[]> _answers = [];
        private long _bytes = 2; // the brackets
        private int _expected;
        private bool _sealed;
        private bool _written;

        public void Expect(bool isNotification)
        {
            if (!isNotification)
            {
                lock (_lock) { _expected++; }
            }
        }

        public void Unexpect(bool isNotification)
        {
            if (!isNotification)
            {
                lock (_lock) { _expected--; }
            }
        }

        public void AddImmediate(JObject response, ILogger logger)
        {
            var bytes = SerializeOrFail(response, logger);
            lock (_lock)
            {
                _expected++;
                Append(response["id"], bytes);
            }
        }

        /// <summary>One answer, already serialized; <paramref name="id"/> names it in the error that replaces it if too large.</summary>
        public byte[]? Add(byte[] bytes, JToken? id)
        {
            lock (_lock)
            {
                Append(id, bytes);
                return TakeIfComplete();
            }
        }

        public byte[]? Seal()
        {
            lock (_lock)
            {
                _sealed = true;
                return TakeIfComplete();
            }
        }

        private void Append(JToken? id, byte[] bytes)
        {
            if (_bytes + bytes.Length + 1 > maxAnswerBytes)
            {
                bytes = MessageWriter.Serialize(RpcError.Response(id, RpcError.Invalid(JsonRpcErrorCodes.InvalidRequest, "message",
                    $"batch too large: its answers exceed {maxAnswerBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)} bytes; send fewer requests per batch")));
            }

            _answers.Add(bytes);
            _bytes += bytes.Length + 1;
        }

        private static byte[] SerializeOrFail(JObject response, ILogger logger)
        {
            try
            {
                return MessageWriter.Serialize(response);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Could not serialize a batch answer");
                return MessageWriter.Serialize(RpcError.Response(response["id"], new RpcError(JsonRpcErrorCodes.InternalError, "Internal error", null)));
            }
        }

        private byte[]? TakeIfComplete()
        {
            // An all-notification batch gets no answer at all (JSON-RPC 2.0 §6).
            if (!_sealed || _written || _answers.Count < _expected || _expected == 0)
            {
                return null;
            }

            _written = true;
            var array = new byte[_bytes - 1];
            var at = 0;
            array[at++] = (byte)'[';
            for (var i = 0; i < _answers.Count; i++)
            {
                if (i > 0)
                {
                    array[at++] = (byte)',';
                }

                _answers[i].CopyTo(array, at);
                at += _answers[i].Length;
            }

            array[at] = (byte)']';
            _answers.Clear();
            return array;
        }
    }
}

/// <summary>Error data produced by <see cref="ErrorMapper"/>; anything else in an outgoing error is replaced.</summary>
internal sealed record TrustedErrorData(JToken? Value);
