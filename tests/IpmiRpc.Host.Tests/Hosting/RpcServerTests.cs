using System.Diagnostics;
using IpmiRpc.Core;
using IpmiRpc.Host.Hosting;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;
using static IpmiRpc.Host.Tests.HostHarness;

namespace IpmiRpc.Host.Tests.Hosting;

/// <summary>Concurrency, cancellation, deadlines, framing and shutdown of the whole server over in-memory streams.</summary>
public sealed class RpcServerTests(ITestOutputHelper output)
{
    private const byte SlowNetFn = 0x30;

    private static object Raw(int netFn, int command, object? data = null) => new { netFn, command, data = data ?? Array.Empty<int>() };

    [Fact]
    public async Task Slow_request_does_not_block_a_fast_one_and_responses_match_their_ids()
    {
        var release = new TaskCompletionSource();
        var transport = new FakeTransport
        {
            Responder = async (r, ct) =>
            {
                // Two reads (Get Device ID slow, Get Self Test Results fast): reads of one BMC run side by side.
                if (r.Command == 0x01)
                {
                    await release.Task.WaitAsync(ct);
                }

                return new IpmiResponse(0, new[] { r.Command });
            },
        };
        await using var host = Start(transport);
        await host.SendAsync(Request("slow", "ipmi.requestResponse", Raw(0x06, 0x01)));
        await host.SendAsync(Request("fast", "ipmi.requestResponse", Raw(0x06, 0x04)));

        var first = await host.ReadAsync();
        Assert.Equal("fast", (string?)first["id"]);
        Assert.Equal(new[] { 4 }, first["result"]!["data"]!.ToObject<int[]>());

        release.SetResult();
        var second = await host.ReadAsync();
        Assert.Equal("slow", (string?)second["id"]);
        Assert.Equal(new[] { 1 }, second["result"]!["data"]!.ToObject<int[]>());
    }

    [Fact]
    public async Task Many_concurrent_requests_each_get_their_own_answer()
    {
        var transport = new FakeTransport
        {
            Responder = async (r, ct) =>
            {
                await Task.Delay(r.Data.Span[0] % 7, ct);
                return new IpmiResponse(0, r.Data.ToArray());
            },
        };
        await using var host = Start(transport);
        const int n = 200;
        for (var i = 0; i < n; i++)
        {
            await host.SendAsync(Request(i, "ipmi.requestResponse", Raw(0x06, 0x01, new[] { i % 256, i / 256 })));
        }

        var seen = new HashSet<int>();
        for (var i = 0; i < n; i++)
        {
            var response = await host.ReadAsync();
            var id = (int)response["id"]!;
            var data = response["result"]!["data"]!.ToObject<int[]>()!;
            Assert.Equal(id, data[0] + (data[1] * 256));
            Assert.True(seen.Add(id));
        }
    }

    [Fact]
    public async Task CancelRequest_cancels_the_matching_request()
    {
        var started = new TaskCompletionSource();
        var transport = new FakeTransport
        {
            Responder = async (r, ct) =>
            {
                started.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
                return new IpmiResponse(0, Array.Empty<byte>());
            },
        };
        await using var host = Start(transport);
        await host.SendAsync(Request("c1", "bmc.getDeviceId"));
        await started.Task.WaitAsync(DefaultWait);
        await host.SendLineAsync("{\"jsonrpc\":\"2.0\",\"method\":\"$/cancelRequest\",\"params\":{\"id\":\"c1\"}}");
        var response = await host.ReadAsync();
        AssertError(response, -32800, id: "c1");
        Assert.NotNull((await host.CallAsync("sessions.list"))["result"]);
    }

    [Fact]
    public async Task TimeoutMs_cancels_and_answers_32004_with_timeout_data()
    {
        // The BMC never answers: only the deadline can end the request, and it must reach the transport as cancellation.
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var transport = new FakeTransport
        {
            Responder = async (_, ct) =>
            {
                using var registration = ct.Register(() => cancelled.TrySetResult());
                await Task.Delay(Timeout.Infinite, ct);
                return new IpmiResponse(0, Array.Empty<byte>());
            },
        };
        await using var host = Start(transport);
        var response = await host.CallAsync("bmc.getDeviceId", new { timeoutMs = 150 });
        AssertError(response, -32004);
        Assert.Equal(150, (int)response["error"]!["data"]!["timeoutMs"]!);
        Assert.Equal(4, (int)response["error"]!["data"]!["retries"]!);
        Assert.True(cancelled.Task.IsCompleted, "the request in the transport was not cancelled");
    }

    [Fact]
    public async Task Completion_code_is_error_32001_with_code_text_and_data()
    {
        var transport = new FakeTransport { Responder = (_, _) => Task.FromResult(new IpmiResponse(0xC1, new byte[] { 0xAA })) };
        await using var host = Start(transport);
        var response = await host.CallAsync("ipmi.requestResponse", new { command = 0x58, netFn = 0x06, data = "01 02" });
        AssertError(response, -32001);
        var data = response["error"]!["data"]!;
        Assert.Equal(0xC1, (int)data["completionCode"]!);
        Assert.Equal("Invalid command", (string?)data["completionText"]);
        Assert.Equal(0x06, (int)data["netFn"]!);
        Assert.Equal(0x58, (int)data["command"]!);
        Assert.Equal(new[] { 0xAA }, data["data"]!.ToObject<int[]>());
    }

    [Fact]
    public async Task Unexpected_exception_is_a_generic_internal_error_without_details()
    {
        var transport = new FakeTransport { Responder = (_, _) => throw new InvalidOperationException("internal detail 1234") };
        await using var host = Start(transport);
        var response = await host.CallAsync("bmc.getDeviceId");
        AssertError(response, -32603);
        Assert.Equal("Internal error", (string?)response["error"]!["message"]);
        Assert.Null(response["error"]!["data"]);
        Assert.DoesNotContain("1234", response.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ipmi_exception_kind_is_the_code_and_details_the_data()
    {
        var transport = new FakeTransport { Responder = (_, _) => throw new IpmiAuthenticationException("lanplus", "RAKP 2 HMAC did not verify") };
        await using var host = Start(transport);
        var response = await host.CallAsync("bmc.getDeviceId");
        AssertError(response, -32003);
        Assert.Equal("lanplus", (string?)response["error"]!["data"]!["transport"]);
    }

    [Fact]
    public async Task Header_framing_in_and_out_including_a_bad_header_block()
    {
        await using var host = Start();
        static string Frame(string body) => $"Content-Length: {System.Text.Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";
        var ok = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sessions.list\"}";
        await host.SendRawAsync(Frame(ok) + Frame("{broken") + "Garbage here\r\n\r\n" + Frame(ok.Replace(":1,", ":2,", StringComparison.Ordinal))
                                + "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n" + Frame(ok.Replace(":1,", ":3,", StringComparison.Ordinal)));
        // Guard-answered errors may overtake dispatched requests: compare as a set.
        var responses = new List<JToken>();
        for (var i = 0; i < 5; i++)
        {
            responses.Add(await host.ReadHeaderFramedAsync());
        }

        var errors = responses.Where(r => r["error"] is not null).ToArray();
        Assert.Equal(2, errors.Length);
        Assert.All(errors, e => AssertError(e, -32700));
        Assert.Equal(new[] { 1, 2, 3 }, responses.Where(r => r["result"] is not null).Select(r => (int)r["id"]!).Order());
    }

    [Fact]
    public async Task Header_framing_oversize_body_is_skipped_exactly()
    {
        await using var host = Start(options: new ServerOptions { MaxMessageBytes = 2048 });
        var big = "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"sessions.list\",\"params\":{\"x\":\"" + new string('y', 5000) + "\"}}";
        var ok = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sessions.list\"}";
        await host.SendRawAsync($"Content-Length: {big.Length}\r\n\r\n{big}Content-Length: {ok.Length}\r\n\r\n{ok}");
        var error = await host.ReadHeaderFramedAsync();
        AssertError(error, -32600);
        Assert.Equal(JTokenType.Null, error["id"]!.Type);
        Assert.Equal(1, (int)(await host.ReadHeaderFramedAsync())["id"]!);
    }

    [Fact]
    public async Task Forced_ndjson_framing_treats_a_header_as_a_bad_line()
    {
        await using var host = Start(options: new ServerOptions { Framing = IpmiRpc.Host.Protocol.Framing.Ndjson });
        await host.SendLineAsync("Content-Length: 10");
        AssertError(await host.ReadAsync(), -32700);
        Assert.NotNull((await host.CallAsync("sessions.list"))["result"]);
    }

    [Fact]
    public async Task Eof_waits_for_in_flight_work_then_closes_sessions_and_disposes_transports()
    {
        var release = new TaskCompletionSource();
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var transport = new FakeTransport
        {
            Responder = async (r, ct) =>
            {
                if (r.NetFn == SlowNetFn)
                {
                    arrived.TrySetResult();
                    await release.Task.WaitAsync(ct);
                }

                return new IpmiResponse(0, new byte[] { 7 });
            },
        };
        var host = Start(transport);
        Assert.NotNull((await host.CallAsync("bmc.getDeviceId"))["id"]);
        await host.SendAsync(Request("late", "ipmi.requestResponse", Raw(SlowNetFn, 1)));
        await arrived.Task.WaitAsync(DefaultWait);
        await host.CloseInputAsync();

        // The server has seen the end of input while the request is still in the transport: it must wait for it.
        await IpmiRpc.TestSupport.Poll.UntilAsync(() => host.Log.Contains("Input ended"), "the server to see the end of input");
        Assert.False(host.Run.IsCompleted, "must wait for the request in flight");
        Assert.Equal(0, transport.Closed);

        release.SetResult();
        var response = await host.ReadAsync();
        Assert.Equal("late", (string?)response["id"]);
        Assert.Equal(0, await host.Run.WaitAsync(DefaultWait));
        Assert.Equal(1, transport.Opened);
        Assert.Equal(1, transport.Closed);
        Assert.True(transport.Disposed);
        Assert.Null(await host.ReadLineAsync());
        await host.DisposeAsync();
    }

    [Fact]
    public async Task Empty_input_exits_zero()
    {
        var host = Start();
        await host.CloseInputAsync();
        Assert.Equal(0, await host.Run.WaitAsync(DefaultWait));
        await host.DisposeAsync();
    }

    [Fact]
    public async Task Sequential_requests_share_one_pooled_session_and_guard_overhead_is_small()
    {
        await using var host = Start();
        const int n = 1000;
        for (var i = 0; i < 50; i++)
        {
            await host.CallAsync("bmc.getDeviceId");
        }

        host.Transport.Responder = (_, _) => Task.FromResult(DeviceIdResponse());
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < n; i++)
        {
            var response = await host.CallAsync("bmc.getDeviceId");
            Assert.NotNull(response["result"]);
        }

        sw.Stop();
        var perRequestUs = sw.Elapsed.TotalMicroseconds / n;
        output.WriteLine($"in-process round trip through guard + StreamJsonRpc: {perRequestUs:F1} µs/request over {n} sequential requests (reported, not asserted)");

        var sessions = (JArray)(await host.CallAsync("sessions.list"))["result"]!;
        var session = Assert.Single(sessions);
        Assert.Equal(1, host.Transport.Opened);
        Assert.True((long)session["requestCount"]! >= n);
        Assert.Equal("bmc.test", (string?)session["address"]);
        Assert.Equal("administrator", (string?)session["privilege"]);
        Assert.DoesNotContain("ingerprint", sessions.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("pw", sessions.ToString(), StringComparison.Ordinal);

        var closed = await host.CallAsync("sessions.close");
        Assert.Equal(1, (int)closed["result"]!["closed"]!);
        Assert.Equal(1, host.Transport.Closed);
        Assert.Empty((JArray)(await host.CallAsync("sessions.list"))["result"]!);
    }

    [Fact]
    public async Task Sessions_close_with_a_target_closes_only_that_targets_sessions()
    {
        await using var host = Start();
        await host.CallAsync("bmc.getDeviceId", new { target = new { host = "a.test", password = "pw" } });
        await host.CallAsync("bmc.getDeviceId", new { target = new { host = "b.test", password = "pw" } });
        var closed = await host.CallAsync("sessions.close", new { target = new { host = "a.test", password = "pw" } });
        Assert.Equal(1, (int)closed["result"]!["closed"]!);
        var left = Assert.Single((JArray)(await host.CallAsync("sessions.list"))["result"]!);
        Assert.Equal("b.test", (string?)left["address"]);
    }

    [Fact]
    public async Task GetDeviceId_is_decoded_with_camel_case_names()
    {
        var transport = new FakeTransport { Responder = (_, _) => Task.FromResult(DeviceIdResponse()) };
        await using var host = Start(transport);
        var result = (await host.CallAsync("bmc.getDeviceId"))["result"]!;
        Assert.Equal(0x20, (int)result["deviceId"]!);
        Assert.Equal("9.08", (string?)result["firmwareVersion"]);
        Assert.Equal("2.0", (string?)result["ipmiVersion"]);
        Assert.Equal(0x1291, (int)result["manufacturerId"]!);
        Assert.Equal(0x0f02, (int)result["productId"]!);
        Assert.True((bool)result["support"]!["chassis"]!);
        var request = Assert.Single(transport.Requests);
        Assert.Equal((0x06, 0x01), (request.NetFn, request.Command));
    }

    [Fact]
    public async Task Rpc_discover_lists_every_registered_method()
    {
        await using var host = Start();
        var doc = (await host.CallAsync("rpc.discover"))["result"]!;
        Assert.Equal("1.3.2", (string?)doc["openrpc"]);
        var names = doc["methods"]!.Select(m => (string)m["name"]!).ToHashSet();
        Assert.Equal(IpmiRpc.Host.Methods.Declarations.MethodCatalog.All.Keys.OrderBy(k => k, StringComparer.Ordinal), names.OrderBy(k => k, StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_request_starts_its_method_on_the_stdin_reader_thread()
    {
        // Sequential requests are cheapest when the thread the request line woke also sends it to the BMC: no
        // thread-pool worker woken for the read, the dispatch or the method (tests/bench/README.md, "Fourth pass").
        var sentOn = new System.Collections.Concurrent.ConcurrentQueue<string?>();
        var transport = new FakeTransport
        {
            Responder = (r, _) =>
            {
                sentOn.Enqueue(Thread.CurrentThread.Name);
                return Task.FromResult(new IpmiResponse(0, new byte[] { 0x01 }));
            },
        };
        await using var host = Start(transport);
        // The first call resolves and opens the target (that may hop); the repeats find it remembered.
        for (var i = 0; i < 3; i++)
        {
            Assert.NotNull((await host.CallAsync("ipmi.requestResponse", Raw(0x06, 0x01)))["result"]);
        }

        Assert.Equal(["IpmiRpc stdin reader", "IpmiRpc stdin reader"], sentOn.Skip(1));
    }

    [Fact]
    public async Task An_answer_is_written_by_the_thread_that_completed_the_request()
    {
        // The BMC's answer arrives on a transport thread; that thread writes the answer instead of handing it on.
        // An answer is released only once the request's method has returned to the reader (the reader is back in a
        // read): released earlier, the reader itself would find it complete and write it, which is right but not
        // what this test is about.
        var released = new System.Collections.Concurrent.BlockingCollection<TaskCompletionSource<IpmiResponse>>();
        var bmc = new Thread(() =>
        {
            foreach (var answer in released.GetConsumingEnumerable())
            {
                answer.SetResult(new IpmiResponse(0, new byte[] { 0x01 }));
            }
        }) { IsBackground = true, Name = "test BMC answers" };
        bmc.Start();
        var input = new System.IO.Pipelines.Pipe();
        var reads = new ReadCountingStream(input.Reader.AsStream());
        var sent = new System.Collections.Concurrent.ConcurrentQueue<(TaskCompletionSource<IpmiResponse> Answer, int ReadsSoFar)>();
        var transport = new FakeTransport
        {
            Responder = (_, _) =>
            {
                var answer = new TaskCompletionSource<IpmiResponse>();
                sent.Enqueue((answer, reads.Entered));
                return answer.Task;
            },
        };
        var output = new System.IO.Pipelines.Pipe();
        var writes = new WriteRecordingStream(output.Writer.AsStream());
        var context = new HostContext([transport], new IpmiRpc.Host.Targets.TargetResolver(new Dictionary<string, JObject>
        {
            [IpmiRpc.Host.Targets.TargetResolver.DefaultName] = new() { ["host"] = "bmc.test", ["username"] = "admin", ["password"] = "pw" },
        }), IpmiRpc.Host.Schema.OpenRpcDocument.Generated, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        var run = Task.Run(() => new RpcServer(context).RunAsync(reads, writes));
        using var lines = new StreamReader(output.Reader.AsStream());
        for (var i = 1; i <= 4; i++)
        {
            await input.Writer.WriteAsync(System.Text.Encoding.UTF8.GetBytes(Request(i, "ipmi.requestResponse", Raw(0x06, 0x01)).ToString(Newtonsoft.Json.Formatting.None) + "\n"));
            await HostHarness.WaitUntilAsync(() => sent.Count == i);
            var (answer, readsSoFar) = sent.ElementAt(i - 1);
            if (i > 1)
            {
                // The first request resolves its target on the thread pool; the others run on the reader.
                await HostHarness.WaitUntilAsync(() => reads.Entered > readsSoFar);
            }

            released.Add(answer);
            var line = await lines.ReadLineAsync().WaitAsync(DefaultWait);
            Assert.Equal(i, (int?)JObject.Parse(line!)["id"]);
        }

        await input.Writer.CompleteAsync();
        Assert.Equal(0, await run.WaitAsync(DefaultWait));
        released.CompleteAdding();
        Assert.Equal(["test BMC answers", "test BMC answers", "test BMC answers"], writes.Threads.Skip(1));
    }

    [Fact]
    public async Task Answers_the_reader_finishes_from_one_read_of_input_leave_in_one_write_with_the_same_bytes()
    {
        // Requests written at once and answered at once (the reader runs each to its answer) used to cost one write,
        // and one wake of the client, per answer; the reader now holds its answers until it is about to wait again.
        // Fails on 3e7a17a: one write per answer.
        var transport = new FakeTransport { Responder = (_, _) => Task.FromResult(new IpmiResponse(0, new byte[] { 0x01 })) };
        var input = new System.IO.Pipelines.Pipe();
        var output = new System.IO.Pipelines.Pipe();
        var writes = new WriteRecordingStream(output.Writer.AsStream());
        var context = new HostContext([transport], new IpmiRpc.Host.Targets.TargetResolver(new Dictionary<string, JObject>
        {
            [IpmiRpc.Host.Targets.TargetResolver.DefaultName] = new() { ["host"] = "bmc.test", ["username"] = "admin", ["password"] = "pw" },
        }), IpmiRpc.Host.Schema.OpenRpcDocument.Generated, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        var run = Task.Run(() => new RpcServer(context).RunAsync(input.Reader.AsStream(), writes));
        using var lines = new StreamReader(output.Reader.AsStream());
        static byte[] Line(object id, string method, object? @params) =>
            System.Text.Encoding.UTF8.GetBytes(Request(id, method, @params).ToString(Newtonsoft.Json.Formatting.None) + "\n");

        // The first request resolves its target on the thread pool and is answered there.
        await input.Writer.WriteAsync(Line(0, "ipmi.requestResponse", Raw(0x06, 0x01)));
        var first = await lines.ReadLineAsync().WaitAsync(DefaultWait);
        var writesBefore = writes.Threads.Count;

        // Answered at once on the reader: 40 answers, an error answer among them, and one answer of a request sent
        // with a string id.
        const int n = 40;
        var batch = new MemoryStream();
        for (var i = 1; i <= n; i++)
        {
            batch.Write(i == 7 ? Line(i, "no.suchMethod", null) : Line(i == 9 ? "nine" : i, "ipmi.requestResponse", Raw(0x06, 0x01)));
        }

        await input.Writer.WriteAsync(batch.ToArray());
        var answers = new List<string>();
        for (var i = 1; i <= n; i++)
        {
            answers.Add((await lines.ReadLineAsync().WaitAsync(DefaultWait))!);
        }

        Assert.Equal(1, writes.Threads.Count - writesBefore);
        Assert.All(writes.Threads.Skip(writesBefore), thread => Assert.Equal("IpmiRpc stdin reader", thread));
        // The bytes of each answer as before: the first one's text with its own id, in input order.
        for (var i = 1; i <= n; i++)
        {
            if (i == 7)
            {
                AssertError(JObject.Parse(answers[i - 1]), -32601, 7, "method");
                continue;
            }

            var id = i == 9 ? "\"nine\"" : i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(first!.Replace("\"id\":0,", $"\"id\":{id},", StringComparison.Ordinal), answers[i - 1]);
        }

        await input.Writer.CompleteAsync();
        Assert.Equal(0, await run.WaitAsync(DefaultWait));
    }

    [Fact]
    public async Task An_answer_the_reader_holds_is_written_before_the_reader_waits_for_an_in_flight_slot()
    {
        // Two requests the BMC does not answer take both slots; the answer of the one before them, finished on the
        // reader, must not wait for a slot to come free (nor for more input).
        var stuck = new TaskCompletionSource<IpmiResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        var transport = new FakeTransport
        {
            Responder = (r, _) => r.Data.Length > 0 && r.Data.Span[0] == 0xEE ? stuck.Task : Task.FromResult(new IpmiResponse(0, new byte[] { 0x01 })),
        };
        await using var host = Start(transport, new ServerOptions { MaxRequestsInFlight = 2 });
        Assert.NotNull((await host.CallAsync("ipmi.requestResponse", Raw(0x06, 0x01)))["result"]); // target resolved and remembered

        var text = new System.Text.StringBuilder();
        foreach (var (id, data) in new[] { ("fast", 0x00), ("stuck1", 0xEE), ("stuck2", 0xEE), ("after", 0x00) })
        {
            text.Append(Request(id, "ipmi.requestResponse", Raw(0x06, 0x01, new[] { data })).ToString(Newtonsoft.Json.Formatting.None)).Append('\n');
        }

        await host.SendRawAsync(text.ToString());
        Assert.Equal("fast", (string?)(await host.ReadAsync())["id"]);

        stuck.SetResult(new IpmiResponse(0, new byte[] { 0x02 }));
        var rest = new List<string?>();
        for (var i = 0; i < 3; i++)
        {
            rest.Add((string?)(await host.ReadAsync())["id"]);
        }

        Assert.Equal(["after", "stuck1", "stuck2"], rest.Order(StringComparer.Ordinal));
    }

    /// <summary>Counts the reads begun on the input: the server's reader is back in a read once this grows.</summary>
    private sealed class ReadCountingStream(Stream inner) : Stream
    {
        private int _entered;

        public int Entered => Volatile.Read(ref _entered);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            Interlocked.Increment(ref _entered);
            return inner.Read(buffer);
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Records the name of the thread of every write.</summary>
    private sealed class WriteRecordingStream(Stream inner) : Stream
    {
        public System.Collections.Concurrent.ConcurrentQueue<string?> Threads { get; } = new();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            Threads.Enqueue(Thread.CurrentThread.Name);
            inner.Write(buffer, offset, count);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield(); // what a pipe or file on stdout does: the write runs on a thread-pool thread
            Threads.Enqueue(Thread.CurrentThread.Name);
            await inner.WriteAsync(buffer, cancellationToken);
        }
    }
}
