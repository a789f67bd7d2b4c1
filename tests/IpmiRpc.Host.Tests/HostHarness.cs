using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using IpmiRpc.Core;
using IpmiRpc.Host.Hosting;
using IpmiRpc.Host.Protocol;
using IpmiRpc.Host.Schema;
using IpmiRpc.Host.Targets;
using IpmiRpc.TestSupport;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Tests;

/// <summary>
/// The real <see cref="RpcServer"/> over in-memory pipes with <see cref="FakeTransport"/>s: write raw bytes in, read
/// framed messages out, close input like stdin EOF.
/// </summary>
internal sealed class HostHarness : IAsyncDisposable
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30); // a bound on a broken build, never a measurement

    /// <summary>
    /// Waits for an event: TestSupport's bounded poll (<see cref="Poll.UntilAsync(Func{bool}, string, TimeSpan?, TimeSpan?)"/>),
    /// naming the condition if the bound, which only fails the test, is reached.
    /// </summary>
    public static Task WaitUntilAsync(Func<bool> condition, [CallerArgumentExpression(nameof(condition))] string what = "") =>
        Poll.UntilAsync(condition, what, DefaultWait);

    private readonly Pipe _input = new();
    private readonly Pipe _output = new();
    private readonly MemoryStream _pending = new();
    private long _nextId = 1000;

    private HostHarness(FakeTransport transport, ServerOptions options, TargetResolver? targets, Func<ILoggerFactory, HostContext>? createContext = null)
    {
        Transport = transport;
        var resolver = targets ?? new TargetResolver(new Dictionary<string, JObject>
        {
            [TargetResolver.DefaultName] = new() { ["host"] = "bmc.test", ["username"] = "admin", ["password"] = "pw" },
        });
        Context = createContext?.Invoke(new LoggerFactory([Log])) ?? new HostContext([transport], resolver, OpenRpcDocument.Generated, new LoggerFactory([Log]));
        Run = Task.Run(async () =>
        {
            var exitCode = await new RpcServer(Context, options).RunAsync(_input.Reader.AsStream(), _output.Writer.AsStream());
            await _output.Writer.CompleteAsync(); // like stdout closing when the process exits
            return exitCode;
        });
    }

    public FakeTransport Transport { get; }

    /// <summary>Every message the server logged (all levels): the events a test waits for.</summary>
    public CollectingLoggerProvider Log { get; } = new();

    public HostContext Context { get; }

    /// <summary>The server's RunAsync (exit code).</summary>
    public Task<int> Run { get; }

    public static HostHarness Start(FakeTransport? transport = null, ServerOptions? options = null, TargetResolver? targets = null) =>
        new(transport ?? new FakeTransport(), options ?? new ServerOptions(), targets);

    /// <summary>The server over a context the test builds (real transports, say); <see cref="Transport"/> is then unused.</summary>
    public static HostHarness StartWith(Func<ILoggerFactory, HostContext> createContext, ServerOptions? options = null) =>
        new(new FakeTransport(), options ?? new ServerOptions(), null, createContext);

    public async Task SendRawAsync(byte[] bytes)
    {
        await _input.Writer.WriteAsync(bytes);
        await _input.Writer.FlushAsync();
    }

    public Task SendRawAsync(string text) => SendRawAsync(Encoding.UTF8.GetBytes(text));

    public Task SendLineAsync(string line) => SendRawAsync(line + "\n");

    public Task SendAsync(JToken message) => SendLineAsync(message.ToString(Formatting.None));

    public static JObject Request(object id, string method, object? @params = null)
    {
        var request = new JObject { ["jsonrpc"] = "2.0", ["id"] = JToken.FromObject(id), ["method"] = method };
        if (@params is not null)
        {
            request["params"] = @params as JToken ?? JToken.FromObject(@params);
        }

        return request;
    }

    /// <summary>Sends a request with a fresh id and waits for the response (other responses are not expected meanwhile).</summary>
    public async Task<JObject> CallAsync(string method, object? @params = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        await SendAsync(Request(id, method, @params));
        var response = await ReadAsync();
        Assert.Equal(id, (long?)response["id"]);
        return (JObject)response;
    }

    public async Task CloseInputAsync() => await _input.Writer.CompleteAsync();

    /// <summary>Next ndjson message (one line).</summary>
    public async Task<JToken> ReadAsync(TimeSpan? timeout = null)
    {
        var line = await ReadLineAsync(timeout) ?? throw new EndOfStreamException("output closed");
        return JToken.Parse(line);
    }

    public async Task<string?> ReadLineAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultWait);
        while (true)
        {
            var result = await _output.Reader.ReadAsync(cts.Token);
            var buffer = result.Buffer;
            var newline = buffer.PositionOf((byte)'\n');
            if (newline is { } pos)
            {
                var line = Encoding.UTF8.GetString(buffer.Slice(0, pos).ToArray());
                _output.Reader.AdvanceTo(buffer.GetPosition(1, pos));
                return line;
            }

            _output.Reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    /// <summary>Next header-framed message: checks the Content-Length header and returns the body.</summary>
    public async Task<JToken> ReadHeaderFramedAsync(TimeSpan? timeout = null)
    {
        var header = await ReadLineAsync(timeout) ?? throw new EndOfStreamException();
        Assert.StartsWith("Content-Length: ", header, StringComparison.Ordinal);
        Assert.EndsWith("\r", header, StringComparison.Ordinal);
        var length = int.Parse(header["Content-Length: ".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("\r", await ReadLineAsync(timeout));
        using var cts = new CancellationTokenSource(timeout ?? DefaultWait);
        while (true)
        {
            var result = await _output.Reader.ReadAsync(cts.Token);
            if (result.Buffer.Length >= length)
            {
                var body = result.Buffer.Slice(0, length).ToArray();
                _output.Reader.AdvanceTo(result.Buffer.GetPosition(length));
                return JToken.Parse(Encoding.UTF8.GetString(body));
            }

            _output.Reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            Assert.False(result.IsCompleted, "output ended inside a message");
        }
    }

    /// <summary>True when nothing arrives within <paramref name="wait"/>.</summary>
    public async Task<bool> NothingWithinAsync(TimeSpan wait)
    {
        try
        {
            var line = await ReadLineAsync(wait);
            return line is null;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _input.Writer.CompleteAsync();
        try
        {
            await Run.WaitAsync(DefaultWait);
        }
        catch (TimeoutException)
        {
        }

        _pending.Dispose();
    }

    public static void AssertError(JToken response, int code, object? id = null, string? field = null)
    {
        var error = response["error"] as JObject;
        Assert.True(error is not null, $"expected error {code}, got {response.ToString(Formatting.None)}");
        Assert.Equal(code, (int)error!["code"]!);
        if (id is not null)
        {
            Assert.True(JToken.DeepEquals(JToken.FromObject(id), response["id"]), $"id: {response["id"]}");
        }

        if (field is not null)
        {
            Assert.Equal(field, (string?)error["data"]?["field"]);
        }

        AssertNoInternals(response);
    }

    /// <summary>No stack trace, exception type or .NET detail in anything a client sees.</summary>
    public static void AssertNoInternals(JToken response)
    {
        var text = response.ToString(Formatting.None);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\bat [A-Za-z_][\w.`]+\(", text);
        Assert.DoesNotContain("--- End of", text, StringComparison.Ordinal);
        Assert.DoesNotContain("StreamJsonRpc", text, StringComparison.Ordinal);
        Assert.DoesNotContain("stack", text, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A Get Device ID answer shaped like ipmi_sim's (device 0x20, firmware 9.08, IPMI 2.0).</summary>
    public static IpmiResponse DeviceIdResponse() =>
        new(0, new byte[] { 0x20, 0x81, 0x09, 0x08, 0x02, 0x9f, 0x91, 0x12, 0x00, 0x02, 0x0f });
}

/// <summary>Keeps every formatted log message, so a test can wait for the event a message reports.</summary>
internal sealed class CollectingLoggerProvider : ILoggerProvider
{
    private readonly List<string> _messages = [];

    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_messages)
            {
                return _messages.ToArray();
            }
        }
    }

    public bool Contains(string text) => Messages.Any(m => m.Contains(text, StringComparison.Ordinal));

    public ILogger CreateLogger(string categoryName) => new Collecting(this);

    public void Dispose()
    {
    }

    private sealed class Collecting(CollectingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner._messages)
            {
                owner._messages.Add(formatter(state, exception));
            }
        }
    }
}
