using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
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
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly MessageWriter _writer;
    private readonly JsonMessageFormatter _formatter;
    private readonly JsonSerializer _resultSerializer;
    private readonly ILogger _logger;
    private readonly Func<string, bool> _isKnownMethod;
    private readonly Channel<JsonRpcMessage> _inbound = Channel.CreateUnbounded<JsonRpcMessage>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly ConcurrentDictionary<long, Pending> _pending = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextId;
    private int _inFlight;
    private volatile bool _inputDone;

    public GuardedMessageHandler(MessageWriter writer, JsonMessageFormatter formatter, JsonSerializer resultSerializer, ILogger logger, Func<string, bool> isKnownMethod)
    {
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

    public async ValueTask<JsonRpcMessage?> ReadAsync(CancellationToken cancellationToken)
    {
        while (await _inbound.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_inbound.Reader.TryRead(out var message))
            {
                return message;
            }
        }

        return null;
    }

    public async ValueTask WriteAsync(JsonRpcMessage jsonRpcMessage, CancellationToken cancellationToken)
    {
        if (!Thread.CurrentThread.IsThreadPoolThread)
        {
            // A transport completes its answers inline on its own I/O thread (see LanSocket); serializing and writing
            // the response there would hold up every other session's packets, so move to the thread pool first.
            await Task.Yield();
        }

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

        Tickets?.Answered(internalId);

        try
        {
            if (pending.IsNotification)
            {
                return;
            }

            var response = BuildResponse(jsonRpcMessage, pending);
            if (pending.Batch is { } batch)
            {
                if (batch.Add(response) is { } array)
                {
                    await _writer.WriteAsync(array, CancellationToken.None).ConfigureAwait(false);
                }
            }
            else
            {
                await _writer.WriteAsync(response, CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            CheckDrained();
        }
    }

    /// <summary>Handles one framed message from the reader (called sequentially, in input order).</summary>
    public async Task AcceptAsync(FramedMessage message)
    {
        if (_inputDone)
        {
            return;
        }

        if (message.Error is { } frameError)
        {
            await _writer.WriteAsync(RpcError.Response(null, RpcError.Invalid(frameError.Code, "message", frameError.Reason))).ConfigureAwait(false);
            return;
        }

        JToken token;
        try
        {
            token = Parse(message.Body!);
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

            var batch = new Batch();
            foreach (var element in array)
            {
                Dispatch(element, batch);
            }

            if (batch.Seal() is { } complete)
            {
                await _writer.WriteAsync(complete).ConfigureAwait(false);
            }

            return;
        }

        if (Dispatch(token, null) is { } immediate)
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

    private void CheckDrained()
    {
        if (_inputDone && Volatile.Read(ref _inFlight) == 0)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>Validates one request object; returns an immediate response (errors the guard answers) or null.</summary>
    private JObject? Dispatch(JToken token, Batch? batch)
    {
        var immediate = Validate(token, out var request, out var id, out var isNotification);
        if (immediate is not null)
        {
            // An invalid request is answered even without an id: it cannot be trusted to be a notification.
            return Answer(batch, RpcError.Response(id, immediate));
        }

        var method = (string)request!["method"]!;
        if (method == CancelRequestMethod)
        {
            ForwardCancel(request);
            return null;
        }

        var parameters = request["params"];
        if (parameters is { Type: JTokenType.Null })
        {
            request.Remove("params");
        }
        else if (parameters is JArray && _isKnownMethod(method))
        {
            return Answer(batch, isNotification ? null : RpcError.Response(id, RpcError.Invalid(
                JsonRpcErrorCodes.InvalidParams, "params", "must be an object of named parameters")));
        }

        var internalId = Interlocked.Increment(ref _nextId);
        _pending[internalId] = new Pending(id, method, batch, isNotification);
        batch?.Expect(isNotification);
        Interlocked.Increment(ref _inFlight);
        request["id"] = internalId;

        JsonRpcMessage forwarded;
        try
        {
            forwarded = _formatter.Deserialize(request);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            _pending.TryRemove(internalId, out _);
            batch?.Unexpect(isNotification);
            Interlocked.Decrement(ref _inFlight);
            _logger.LogDebug(ex, "StreamJsonRpc rejected a request the guard accepted");
            return Answer(batch, isNotification ? null : RpcError.Response(id, RpcError.Invalid(JsonRpcErrorCodes.InvalidRequest, "message", "not a valid JSON-RPC request")));
        }

        Tickets?.Arrived(internalId, method, request["params"]);
        _inbound.Writer.TryWrite(forwarded);
        return null;
    }

    private static JObject? Answer(Batch? batch, JObject? response)
    {
        if (response is null)
        {
            return null;
        }

        if (batch is null)
        {
            return response;
        }

        batch.AddImmediate(response);
        return null;
    }

    private void ForwardCancel(JObject request)
    {
        if (request["params"] is not JObject { } p || p["id"] is not { } clientId)
        {
            return;
        }

        foreach (var (internalId, pending) in _pending)
        {
            if (!pending.IsNotification && JToken.DeepEquals(pending.ClientId, clientId))
            {
                var cancel = new JObject
                {
                    ["jsonrpc"] = "2.0",
                    ["method"] = CancelRequestMethod,
                    ["params"] = new JObject { ["id"] = internalId },
                };
                _inbound.Writer.TryWrite(_formatter.Deserialize(cancel));
                return;
            }
        }
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

    private static JToken Parse(byte[] body)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            throw new ParseFailure(RpcError.Invalid(JsonRpcErrorCodes.ParseError, "message", "not valid UTF-8"));
        }

        // A BOM is tolerated: some Windows tools prepend one.
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        return ParseText(text);
    }

    /// <summary>
    /// The one JSON reading rule for requests (also <c>ipmirpc call --params</c>): strings stay strings (no date
    /// guessing), comments ignored, duplicate names refused, depth ≤ 64, nothing but comments after the value.
    /// Throws <see cref="ParseFailure"/> carrying the JSON-RPC error.
    /// </summary>
    internal static JToken ParseText(string text)
    {
        using var reader = new JsonTextReader(new StringReader(text))
        {
            MaxDepth = 64,
            DateParseHandling = DateParseHandling.None,
            FloatParseHandling = FloatParseHandling.Double,
        };
        try
        {
            var token = JToken.ReadFrom(reader, new JsonLoadSettings { CommentHandling = CommentHandling.Ignore, DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Error });
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

    private JObject BuildResponse(JsonRpcMessage message, Pending pending)
    {
        var response = new JObject { ["jsonrpc"] = "2.0", ["id"] = pending.ClientId ?? JValue.CreateNull() };
        if (message is JsonRpcResult result)
        {
            try
            {
                response["result"] = result.Result is null ? JValue.CreateNull() : JToken.FromObject(result.Result, _resultSerializer);
                return response;
            }
            catch (JsonException ex)
            {
                _logger.LogError(ex, "Could not serialize the result of {Method}", pending.Method);
                response["error"] = new RpcError(JsonRpcErrorCodes.InternalError, "Internal error", null).ToJson();
                return response;
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
        response["error"] = error.ToJson();
        return response;
    }

    private sealed record Pending(JToken? ClientId, string Method, Batch? Batch, bool IsNotification);

    internal sealed class ParseFailure(RpcError error) : Exception(error.Message)
    {
        public RpcError Error { get; } = error;
    }

    /// <summary>Collects the answers of one batch array; complete when sealed and every expected answer arrived.</summary>
    private sealed class Batch
    {
        private readonly Lock _lock = new();
        private readonly JArray _responses = [];
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

        public void AddImmediate(JObject response)
        {
            lock (_lock)
            {
                _expected++;
                _responses.Add(response);
            }
        }

        public JArray? Add(JObject response)
        {
            lock (_lock)
            {
                _responses.Add(response);
                return TakeIfComplete();
            }
        }

        public JArray? Seal()
        {
            lock (_lock)
            {
                _sealed = true;
                return TakeIfComplete();
            }
        }

        private JArray? TakeIfComplete()
        {
            // An all-notification batch gets no answer at all (JSON-RPC 2.0 §6).
            if (!_sealed || _written || _responses.Count < _expected || _expected == 0)
            {
                return null;
            }

            _written = true;
            return _responses;
        }
    }
}

/// <summary>Error data produced by <see cref="ErrorMapper"/>; anything else in an outgoing error is replaced.</summary>
internal sealed record TrustedErrorData(JToken? Value);
