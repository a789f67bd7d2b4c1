using IpmiRpc.TestSupport;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.EndToEnd.Tests;

/// <summary>
/// The cim transport through the real ipmirpc executable on Linux: every cim target is refused with -32002 and a hint,
/// no native-library exception escapes, no secret shows, and the host keeps serving afterwards.
/// </summary>
public sealed class CimTransportTests
{
    private const string LinuxHint = "The cim transport needs Windows (WMI Microsoft_IPMI). On Linux use openipmi or lanplus.";
    private const string Password = "Cim-E2E-Sup3rS3cret!";
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Cim_targets_give_32002_with_a_hint_and_the_host_keeps_serving()
    {
        Assert.False(OperatingSystem.IsWindows(), "this test documents the non-Windows behaviour");
        await using var host = await IpmiRpcProcess.StartAsync(env: new Dictionary<string, string> { ["IPMIRPC_CIM_E2E_PW"] = Password });

        var local = await host.CallAsync("ipmi.requestResponse", new JObject
        {
            ["command"] = "GetDeviceId",
            ["target"] = new JObject { ["transport"] = "cim" },
        }, CallTimeout);
        AssertUnavailable(local);

        var remote = await host.CallAsync("bmc.getDeviceId", new JObject
        {
            ["target"] = new JObject
            {
                ["computerName"] = "srv01.example.invalid",
                ["protocol"] = "wsman",
                ["username"] = @"CORP\admin",
                ["passwordEnv"] = "IPMIRPC_CIM_E2E_PW",
            },
        }, CallTimeout);
        AssertUnavailable(remote);

        // Still serving: other methods answer, and the same cim request again gets the same clean error.
        var discover = await host.CallAsync("rpc.discover", null, CallTimeout);
        Assert.NotNull(discover["result"]);
        Assert.Null(discover["error"]);
        var sessions = await host.CallAsync("sessions.list", new JObject(), CallTimeout);
        Assert.Null(sessions["error"]);
        Assert.DoesNotContain("\"cim\"", sessions["result"]!.ToString(), StringComparison.Ordinal);
        AssertUnavailable(await host.CallAsync("ipmi.requestResponse", new JObject
        {
            ["command"] = 1,
            ["netFn"] = 6,
            ["target"] = new JObject { ["transport"] = "cim" },
        }, CallTimeout));

        var exitCode = await host.CloseInputAndWaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(0, exitCode);
        Assert.DoesNotContain(Password, remote.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, host.StdErrText, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, host.StdOutText, StringComparison.Ordinal);
        Assert.DoesNotContain("DllNotFoundException", host.StdErrText, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", host.StdErrText, StringComparison.Ordinal);
    }

    private static void AssertUnavailable(JObject response)
    {
        var error = response["error"] as JObject;
        Assert.True(error is not null, $"expected an error, got {response}");
        Assert.Equal(-32002, (int)error["code"]!);
        Assert.Equal("cim", (string?)error["data"]?["transport"]);
        Assert.Equal(LinuxHint, (string?)error["data"]?["hint"]);
        Assert.DoesNotContain("DllNotFound", response.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", response.ToString(), StringComparison.Ordinal); // no stack trace
    }
}
