using System.Diagnostics;
using IpmiRpc.Reliability.Tests.Support;
using IpmiRpc.TestSupport;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace IpmiRpc.Reliability.Tests.HostileBmc;

/// <summary>The real ipmirpc process against the lying BMC: clear errors, no hostile data, and it keeps serving.</summary>
[Collection(ReliabilityCollection.Name)]
public sealed class HostileBmcThroughIpmirpcTests(ITestOutputHelper output) : ReliabilityTest(output)
{
    [Fact]
    public async Task Ipmirpc_answers_clear_errors_for_a_hostile_BMC_and_keeps_serving()
    {
        await using var bmc = new FakeBmc("hostile", "hostile-pw");
        await using var rpc = await IpmiRpcProcess.StartAsync("--log-level debug", new Dictionary<string, string> { ["HOSTILE_PW"] = "hostile-pw" });
        var target = new JObject
        {
            ["host"] = "127.0.0.1", ["port"] = bmc.Port, ["username"] = "hostile", ["passwordEnv"] = "HOSTILE_PW",
            ["cipherSuite"] = 3, ["timeoutMs"] = 1000, ["retries"] = 1,
        };
        var p = new JObject { ["target"] = target, ["command"] = "GetDeviceId" };
        var good = Convert.ToHexString(FakeBmc.GoodDeviceId).ToLowerInvariant();
        var marker = Convert.ToHexString(FakeBmc.HostileMarker).ToLowerInvariant();
        var tally = Ledger.NewTally("hostile BMC through ipmirpc");

        async Task Expect(Hostility mode, int? code)
        {
            bmc.Mode = mode;
            tally.OnSent();
            var sw = Stopwatch.StartNew();
            var r = await rpc.CallAsync("ipmi.requestResponse", p, TimeSpan.FromSeconds(20));
            Assert.DoesNotContain(marker, r.ToString(), StringComparison.OrdinalIgnoreCase);
            if (code is null)
            {
                Assert.True(good == (string?)r["result"]?["hex"], $"{mode}: {r}");
                tally.OnAnswered(sw.ElapsedMilliseconds);
            }
            else
            {
                Assert.True((int?)r["error"]?["code"] == code, $"{mode}: {r}");
                tally.OnClearError(code.Value, sw.ElapsedMilliseconds);
            }
        }

        // Warm up the cold process (JIT, socket) first. The 1 s per attempt is patience for a loaded machine (the hostile
        // BMC answers on the test's thread pool), not a measurement: the expected -32004s only cost more time.
        var warmTime = Stopwatch.StartNew();
        JObject? warm = null;
        for (var i = 0; i < 10 && (string?)warm?["result"]?["hex"] != good; i++)
            warm = await rpc.CallAsync("ipmi.requestResponse", p, TimeSpan.FromSeconds(20));
        Assert.True(good == (string?)warm?["result"]?["hex"], warm?.ToString());
        Log($"warm after {warmTime.ElapsedMilliseconds} ms");
        await Expect(Hostility.None, null);
        foreach (var mode in new[] { Hostility.BadIntegrity, Hostility.ReplayedSequence, Hostility.LengthOverrun, Hostility.UnknownPayloadType, Hostility.WrongSessionId })
        {
            await Expect(mode, -32004);
            await Expect(Hostility.None, null);
        }

        await rpc.CallAsync("sessions.close", new JObject(), TimeSpan.FromSeconds(10));
        await Expect(Hostility.Rakp2WrongHmac, -32003);
        await Expect(Hostility.Rakp2Truncated, -32008);
        await Expect(Hostility.OpenSessionStatus, -32002);
        await Expect(Hostility.None, null);

        Assert.False(rpc.HasExited);
        Assert.Equal(0, await rpc.CloseInputAndWaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("Rejected a packet", rpc.StdErrText, StringComparison.Ordinal);
        Ledger.Fault("hostile BMC through ipmirpc: bad HMAC, replay, length overrun, unknown payload, wrong session id (-32004), bad RAKP2 HMAC (-32003), truncated RAKP2 (-32008), Open Session status 01 (-32002); served honest answers in between");
    }
}
