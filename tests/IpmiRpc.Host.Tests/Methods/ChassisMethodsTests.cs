using System.Collections.Concurrent;
using IpmiRpc.Core;
using IpmiRpc.Host.Hosting;
using IpmiRpc.Host.Methods;
using IpmiRpc.Host.Schema;
using IpmiRpc.Host.Targets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Newtonsoft.Json.Linq;
using static IpmiRpc.Host.Tests.HostHarness;

namespace IpmiRpc.Host.Tests.Methods;

public sealed class ChassisMethodsTests
{
    /// <summary>
    /// An in-memory chassis behind <see cref="FakeTransport"/>: Get Chassis Status reports <see cref="PowerOn"/> (and the
    /// restore policy), Chassis Control is recorded and changes the power state after <see cref="StatusReadsBeforeChange"/>
    /// further status reads (0: at once), like a BMC that answers before the change happens.
    /// </summary>
    private sealed class FakeChassis
    {
        private int _pendingReads = -1;
        private bool _pendingPower;

        public volatile bool PowerOn;

        public byte PolicyBits { get; set; }

        public int StatusReadsBeforeChange { get; set; }

        public int StatusReads;

        public byte ControlCompletionCode { get; set; }

        /// <summary>Chassis Control "executes" but its answer never arrives.</summary>
        public bool LoseControlAnswer { get; set; }

        public ConcurrentQueue<byte[]> Controls { get; } = new();

        public ConcurrentQueue<IpmiRequest> Others { get; } = new();

        public FakeTransport Attach(FakeTransport transport)
        {
            transport.Responder = RespondAsync;
            return transport;
        }

        private async Task<IpmiResponse> RespondAsync(IpmiRequest request, CancellationToken ct)
        {
            switch ((request.NetFn, request.Command))
            {
                case (NetFns.Chassis, 0x01):
                    lock (this)
                    {
                        Interlocked.Increment(ref StatusReads);
                        if (_pendingReads == 0)
                        {
                            PowerOn = _pendingPower;
                            _pendingReads = -1;
                        }
                        else if (_pendingReads > 0)
                        {
                            _pendingReads--;
                        }
                    }

                    return new IpmiResponse(0, new byte[] { (byte)((PowerOn ? 1 : 0) | (PolicyBits << 5)), 0, 0 });
                case (NetFns.Chassis, 0x02):
                    Controls.Enqueue(request.Data.ToArray());
                    if (ControlCompletionCode != 0)
                    {
                        return new IpmiResponse(ControlCompletionCode, ReadOnlyMemory<byte>.Empty);
                    }

                    lock (this)
                    {
                        var after = request.Data.Span[0] switch
                        {
                            0 or 5 => false,
                            _ => true,
                        };
                        if (StatusReadsBeforeChange == 0)
                        {
                            PowerOn = after;
                        }
                        else
                        {
                            _pendingPower = after;
                            _pendingReads = StatusReadsBeforeChange;
                        }
                    }

                    if (LoseControlAnswer)
                    {
                        await Task.Delay(Timeout.Infinite, ct);
                    }

                    return new IpmiResponse(0, ReadOnlyMemory<byte>.Empty);
                default:
                    Others.Enqueue(request);
                    return new IpmiResponse(0, new byte[] { 0b0000_0111 });
            }
        }
    }

    /// <summary>Dell redfish_powerstate's table: (action, power on before) → Chassis Control byte sent, or none.</summary>
    public static TheoryData<string, bool, int?> Applicability => new()
    {
        { "on", false, 0x01 },
        { "on", true, null },
        { "off", true, 0x00 },
        { "off", false, null },
        { "softOff", true, 0x05 },
        { "softOff", false, null },
        { "cycle", true, 0x02 },
        { "cycle", false, null },
        { "reset", true, 0x03 },
        { "reset", false, null },
        { "diag", true, 0x04 },
        { "diag", false, null },
    };

    [Theory]
    [MemberData(nameof(Applicability))]
    public async Task SetPower_sends_chassis_control_only_where_the_action_applies(string action, bool powerOn, int? expected)
    {
        var chassis = new FakeChassis { PowerOn = powerOn };
        await using var host = Start(chassis.Attach(new FakeTransport()));

        var response = await host.CallAsync("chassis.setPower", new JObject { ["action"] = action });

        var result = response["result"] ?? throw new Xunit.Sdk.XunitException(response.ToString());
        Assert.Equal(expected is not null, (bool)result["changed"]!);
        Assert.Equal(expected is not null, (bool)result["sent"]!);
        Assert.Equal(powerOn, (bool)result["previous"]!["powerOn"]!);
        Assert.Equal(action, (string?)result["action"]);
        if (expected is { } control)
        {
            Assert.Equal([(byte)control], Assert.Single(chassis.Controls));
            Assert.Null((string?)result["reason"]);
        }
        else
        {
            Assert.Empty(chassis.Controls);
            Assert.False(string.IsNullOrEmpty((string?)result["reason"]));
            Assert.Equal(powerOn, (bool)result["current"]!["powerOn"]!);
        }
    }

    [Theory]
    [InlineData("on", false, "powerUp")]
    [InlineData("off", true, "powerDown")]
    [InlineData("cycle", true, "powerCycle")]
    [InlineData("reset", true, "hardReset")]
    [InlineData("softOff", true, "softShutdown")]
    [InlineData("diag", true, "pulseDiagnosticInterrupt")]
    public async Task SetPower_dryRun_reads_status_and_sends_nothing(string action, bool powerOn, string wouldSend)
    {
        var chassis = new FakeChassis { PowerOn = powerOn };
        await using var host = Start(chassis.Attach(new FakeTransport()));

        var response = await host.CallAsync("chassis.setPower", new JObject { ["action"] = action, ["dryRun"] = true, ["wait"] = true });

        var result = response["result"] ?? throw new Xunit.Sdk.XunitException(response.ToString());
        Assert.True((bool)result["changed"]!);
        Assert.False((bool)result["sent"]!);
        Assert.Equal(wouldSend, (string?)result["wouldSend"]);
        Assert.Equal(powerOn, (bool)result["current"]!["powerOn"]!);
        Assert.Empty(chassis.Controls);
        Assert.Equal(1, chassis.StatusReads);
    }

    [Fact]
    public async Task SetPower_wait_polls_until_the_state_changes_on_a_fake_clock()
    {
        var time = new FakeTimeProvider();
        var transport = new FakeTransport();
        var chassis = new FakeChassis { PowerOn = false, StatusReadsBeforeChange = 3 };
        chassis.Attach(transport);
        await using var context = Context(transport, time);
        var call = new RpcCall("chassis.setPower", new ParamReader(new JObject()), context, CancellationToken.None);

        var task = ChassisMethods.SetPowerAsync(call, new ChassisMethods.SetPowerParams { Action = ChassisMethods.PowerAction.On, Wait = true });

        // Status read first, then after the control reads 2, 3, 4 still say off and read 5 sees on.
        await AdvanceUntil(time, () => task.IsCompleted);

        var result = await task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(result.Changed);
        Assert.True(result.Sent);
        Assert.True(result.Current!.PowerOn);
        Assert.Equal(5, chassis.StatusReads);
        Assert.Single(chassis.Controls);
    }

    [Fact]
    public async Task SetPower_wait_past_the_deadline_is_32004_with_the_last_state_seen()
    {
        var time = new FakeTimeProvider();
        var transport = new FakeTransport();
        var chassis = new FakeChassis { PowerOn = true, StatusReadsBeforeChange = int.MaxValue };
        chassis.Attach(transport);
        await using var context = Context(transport, time);
        var call = new RpcCall("chassis.setPower", new ParamReader(new JObject { ["timeoutMs"] = 2000 }), context, CancellationToken.None);

        var task = ChassisMethods.SetPowerAsync(call, new ChassisMethods.SetPowerParams { Action = ChassisMethods.PowerAction.Off, Wait = true });
        await AdvanceUntil(time, () => task.IsCompleted);

        var error = await Assert.ThrowsAsync<PowerStateException>(() => task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(IpmiErrorKind.Timeout, error.Kind);
        Assert.Equal(new PowerState(true), error.Details["lastSeen"]);
        Assert.Equal(new PowerState(false), error.Details["desired"]);
        Assert.Equal(true, error.Details["controlAnswered"]);
        Assert.Single(chassis.Controls);
        // 2000 ms less the 100 ms margin, one read per 500 ms or more: at most 4 polls after the first read.
        Assert.InRange(chassis.StatusReads, 3, 5);
    }

    [Fact]
    public async Task SetPower_wait_deadline_reaches_the_client_as_32004_with_data()
    {
        // The wait's deadline runs on a fake clock, moved a second at a time until the answer is out: a busy machine
        // cannot make the deadline pass before the first status read or the control (a real 300 ms deadline could).
        var time = new FakeTimeProvider();
        var transport = new FakeTransport();
        var chassis = new FakeChassis { PowerOn = true, StatusReadsBeforeChange = int.MaxValue };
        chassis.Attach(transport);
        await using var host = StartWith(_ => Context(transport, time));

        var call = host.CallAsync("chassis.setPower", new JObject { ["action"] = "off", ["wait"] = true, ["timeoutMs"] = 20_000 });
        await AdvanceUntil(time, () => call.IsCompleted, TimeSpan.FromSeconds(1));

        var response = await call.WaitAsync(DefaultWait);
        AssertError(response, -32004);
        var data = response["error"]!["data"]!;
        Assert.True((bool)data["lastSeen"]!["powerOn"]!);
        Assert.False((bool)data["desired"]!["powerOn"]!);
        Assert.Equal("off", (string?)data["action"]);
        Assert.False((bool)data["resent"]!);
        Assert.Single(chassis.Controls);
    }

    [Fact]
    public async Task SetPower_with_a_lost_answer_does_not_resend_and_reads_the_state_instead()
    {
        var chassis = new FakeChassis { PowerOn = true, LoseControlAnswer = true };
        await using var host = Start(chassis.Attach(new FakeTransport()));

        var response = await host.CallAsync("chassis.setPower", new JObject { ["action"] = "off", ["target"] = FastTarget() });

        var result = response["result"] ?? throw new Xunit.Sdk.XunitException(response.ToString());
        Assert.True((bool)result["sent"]!);
        Assert.False((bool)result["current"]!["powerOn"]!);
        Assert.Contains("not re-sent", (string?)result["reason"], StringComparison.Ordinal);
        Assert.Single(chassis.Controls);
        Assert.Equal(2, chassis.StatusReads);
    }

    [Fact]
    public async Task SetPower_cycle_with_a_lost_answer_is_32004_and_never_sent_twice()
    {
        var chassis = new FakeChassis { PowerOn = true, LoseControlAnswer = true };
        await using var host = Start(chassis.Attach(new FakeTransport()));

        var response = await host.CallAsync("chassis.setPower", new JObject { ["action"] = "cycle", ["target"] = FastTarget() });

        AssertError(response, -32004);
        Assert.False((bool)response["error"]!["data"]!["controlAnswered"]!);
        Assert.False((bool)response["error"]!["data"]!["resent"]!);
        Assert.Equal([0x02], Assert.Single(chassis.Controls));
        Assert.NotNull((await host.CallAsync("sessions.list"))["result"]);
    }

    [Fact]
    public async Task SetPower_completion_code_is_32001_with_its_text_and_sent_once()
    {
        var chassis = new FakeChassis { PowerOn = true, ControlCompletionCode = 0xD5 };
        await using var host = Start(chassis.Attach(new FakeTransport()));

        var response = await host.CallAsync("chassis.setPower", new JObject { ["action"] = "cycle" });

        AssertError(response, -32001);
        Assert.Equal(0xD5, (int)response["error"]!["data"]!["completionCode"]!);
        Assert.Equal("Command not supported in present state", (string?)response["error"]!["data"]!["completionText"]);
        Assert.Single(chassis.Controls);
    }

    [Theory]
    [InlineData("""{"action":"boot"}""", "action", "on, off, cycle, reset, softOff, diag")]
    [InlineData("""{}""", "action", null)]
    [InlineData("""{"action":"on","wait":"yes"}""", "wait", null)]
    [InlineData("""{"seconds":256}""", "seconds", null)]
    [InlineData("""{"seconds":5,"force":true}""", "force", null)]
    [InlineData("""{"force":true,"off":true}""", "off", null)]
    [InlineData("""{"policy":"sometimes"}""", "policy", "alwaysOn, alwaysOff, previous")]
    public async Task Bad_input_is_32602_naming_the_field_and_sends_nothing(string paramsJson, string field, string? choices)
    {
        var chassis = new FakeChassis { PowerOn = true };
        await using var host = Start(chassis.Attach(new FakeTransport()));
        var method = field switch
        {
            "seconds" or "force" or "off" => "chassis.identify",
            "policy" => "chassis.setPowerRestorePolicy",
            _ => "chassis.setPower",
        };

        var response = await host.CallAsync(method, JObject.Parse(paramsJson));

        AssertError(response, -32602, field: field);
        if (choices is not null)
        {
            Assert.Contains(choices, response["error"]!.ToString(), StringComparison.Ordinal);
        }

        Assert.Empty(host.Transport.Requests);
        Assert.NotNull((await host.CallAsync("sessions.list"))["result"]);
    }

    [Theory]
    [InlineData("""{}""", new byte[0])]
    [InlineData("""{"seconds":10}""", new byte[] { 10 })]
    [InlineData("""{"off":true}""", new byte[] { 0 })]
    [InlineData("""{"seconds":0}""", new byte[] { 0 })]
    [InlineData("""{"force":true}""", new byte[] { 0, 1 })]
    public async Task Identify_sends_the_form_asked_for(string paramsJson, byte[] expected)
    {
        var chassis = new FakeChassis();
        await using var host = Start(chassis.Attach(new FakeTransport()));

        var response = await host.CallAsync("chassis.identify", JObject.Parse(paramsJson));
        Assert.True((bool)response["result"]!["sent"]!);
        var request = Assert.Single(chassis.Others);
        Assert.Equal((NetFns.Chassis, (byte)0x04), (request.NetFn, request.Command));
        Assert.Equal(expected, request.Data.ToArray());

        var dry = JObject.Parse(paramsJson);
        dry["dryRun"] = true;
        response = await host.CallAsync("chassis.identify", dry);
        Assert.False((bool)response["result"]!["sent"]!);
        Assert.Single(chassis.Others);
    }

    [Theory]
    [InlineData(0b00, "alwaysOff", false)]
    [InlineData(0b01, "alwaysOff", true)]
    [InlineData(0b10, "alwaysOn", false)]
    [InlineData(0b01, "previous", false)]
    [InlineData(0b11, "previous", true)] // "unknown" is never taken for the asked policy
    public async Task SetPowerRestorePolicy_is_idempotent_and_honours_dryRun(byte policyBits, string policy, bool differs)
    {
        var chassis = new FakeChassis { PolicyBits = policyBits };
        await using var host = Start(chassis.Attach(new FakeTransport()));

        var dry = await host.CallAsync("chassis.setPowerRestorePolicy", new JObject { ["policy"] = policy, ["dryRun"] = true });
        Assert.Equal(differs, (bool)dry["result"]!["changed"]!);
        Assert.False((bool)dry["result"]!["sent"]!);
        Assert.Empty(chassis.Others);

        var response = await host.CallAsync("chassis.setPowerRestorePolicy", new JObject { ["policy"] = policy });
        var result = response["result"] ?? throw new Xunit.Sdk.XunitException(response.ToString());
        Assert.Equal(differs, (bool)result["changed"]!);
        Assert.Equal(differs, (bool)result["sent"]!);
        if (differs)
        {
            var request = Assert.Single(chassis.Others);
            Assert.Equal((NetFns.Chassis, (byte)0x06), (request.NetFn, request.Command));
            var expected = policy switch { "alwaysOff" => 0, "previous" => 1, _ => 2 };
            Assert.Equal([(byte)expected], request.Data.ToArray());
            Assert.True((bool)result["supported"]!["alwaysOn"]!);
        }
        else
        {
            Assert.Empty(chassis.Others);
            Assert.Equal(JTokenType.Null, result["supported"]!.Type);
        }
    }

    /// <summary>A BMC with boot options parameter 0: the override is written inside set in progress (1), flags,
    /// acknowledge, commit (2), complete (0), then read back; the same call again writes nothing; dryRun writes nothing.</summary>
    [Fact]
    public async Task SetBootDevice_writes_inside_set_in_progress_and_is_idempotent()
    {
        var flags = new byte[] { 0, 0, 0, 0, 0 };
        var writes = new ConcurrentQueue<byte[]>();
        var transport = new FakeTransport
        {
            Responder = (request, _) => Task.FromResult((request.NetFn, request.Command, request.Data.Span[0] & 0x7F) switch
            {
                (NetFns.Chassis, 0x09, 0) => new IpmiResponse(0, new byte[] { 1, 0, 0 }),
                (NetFns.Chassis, 0x09, 5) => new IpmiResponse(0, (byte[])[1, 5, .. flags]),
                (NetFns.Chassis, 0x08, var parameter) => Record(request.Data.ToArray(), parameter),
                _ => new IpmiResponse(0xC1, ReadOnlyMemory<byte>.Empty),
            }),
        };

        IpmiResponse Record(byte[] data, int parameter)
        {
            writes.Enqueue(data);
            if (parameter == 5)
            {
                flags = data[1..];
            }

            return new IpmiResponse(0, ReadOnlyMemory<byte>.Empty);
        }

        await using var host = Start(transport);

        var dry = await host.CallAsync("chassis.setBootDevice", new JObject { ["device"] = "pxe", ["persistent"] = true, ["efi"] = true, ["dryRun"] = true });
        Assert.True((bool)dry["result"]!["changed"]!);
        Assert.Empty(writes);

        var response = await host.CallAsync("chassis.setBootDevice", new JObject { ["device"] = "pxe", ["persistent"] = true, ["efi"] = true });
        var result = response["result"] ?? throw new Xunit.Sdk.XunitException(response.ToString());
        Assert.True((bool)result["sent"]!);
        Assert.Equal("none", (string?)result["previous"]!["override"]);
        Assert.Equal("pxe", (string?)result["current"]!["device"]);
        Assert.Equal("pending", (string?)result["current"]!["override"]);
        Assert.True((bool)result["current"]!["persistent"]!);
        Assert.True((bool)result["current"]!["efi"]!);
        Assert.Equal(
            [[0x00, 0x01], [0x05, 0xE0, 0x04, 0x00, 0x00, 0x00], [0x04, 0x01, 0x00], [0x00, 0x02], [0x00, 0x00]],
            writes.ToArray());

        var again = await host.CallAsync("chassis.setBootDevice", new JObject { ["device"] = "pxe", ["persistent"] = true, ["efi"] = true });
        Assert.False((bool)again["result"]!["changed"]!);
        Assert.Equal(5, writes.Count);

        // A one-shot override consumed by a boot (valid bit cleared, device kept) reads as cleared and is written again.
        flags = [0x00, 0x04, 0, 0, 0];
        var read = await host.CallAsync("chassis.getBootDevice");
        Assert.Equal("cleared", (string?)read["result"]!["override"]);
        var none = await host.CallAsync("chassis.setBootDevice", new JObject { ["device"] = "none" });
        Assert.False((bool)none["result"]!["changed"]!);
    }

    /// <summary>A target whose one attempt is short, so a lost answer is noticed quickly.</summary>
    private static JObject FastTarget() => new()
    {
        ["host"] = "bmc.test",
        ["username"] = "admin",
        ["password"] = "pw",
        ["timeoutMs"] = 50,
    };

    private static HostContext Context(FakeTransport transport, TimeProvider time) => new(
        [transport],
        new TargetResolver(new Dictionary<string, JObject>
        {
            [TargetResolver.DefaultName] = new() { ["host"] = "bmc.test", ["username"] = "admin", ["password"] = "pw" },
        }),
        OpenRpcDocument.Generated,
        NullLoggerFactory.Instance,
        time: time);

    /// <summary>Moves the fake clock on in steps (default 50 ms) until <paramref name="condition"/> holds (bounded: 3000
    /// steps), giving the method's continuations a moment between steps.</summary>
    private static async Task AdvanceUntil(FakeTimeProvider time, Func<bool> condition, TimeSpan? step = null)
    {
        for (var i = 0; i < 3000 && !condition(); i++)
        {
            time.Advance(step ?? TimeSpan.FromMilliseconds(50));
            await Task.Delay(10);
        }

        Assert.True(condition(), "condition not reached within 3000 clock steps");
    }
}
