using IpmiRpc.TestSupport;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.EndToEnd.Tests.Host;

/// <summary>
/// A pooled session is not a credential check (issue 17 §2): ipmi_sim with a second user whose password is changed
/// or who is disabled on the side (ipmitool as the admin), or through ipmirpc itself.
/// </summary>
public sealed class CredentialRevocationTests
{
    private const string Victim = "victim";
    private const string VictimPassword = "old-pass";
    private const int VictimId = 3; // the first of IpmiSimOptions.ExtraUsers
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private static Task<IpmiSim> StartSimAsync() => IpmiSim.StartAsync(new IpmiSimOptions { ExtraUsers = [(Victim, VictimPassword)] });

    private static JObject Target(IpmiSim sim, string user, string password, bool fresh = false)
    {
        var target = new JObject
        {
            ["host"] = sim.Host,
            ["port"] = sim.Port,
            ["username"] = user,
            ["password"] = password,
            ["cipherSuite"] = 3,
        };
        if (fresh)
            target["freshSession"] = true;
        return target;
    }

    private static Task<JObject> DeviceIdAs(IpmiRpcProcess rpc, JObject target) =>
        rpc.CallAsync("bmc.getDeviceId", new JObject { ["target"] = target }, Wait);

    private static int? ErrorCode(JObject response) => (int?)response["error"]?["code"];

    private static async Task<string[]> PooledUsersAsync(IpmiRpcProcess rpc) =>
        ((JArray)(await rpc.CallAsync("sessions.list", null, Wait))["result"]!).Select(s => (string)s["username"]!).ToArray();

    [Fact]
    public async Task After_a_password_change_on_the_side_old_credentials_with_freshSession_are_refused()
    {
        await using var sim = await StartSimAsync();
        await using var rpc = await IpmiRpcProcess.StartAsync();
        Assert.Null(ErrorCode(await DeviceIdAs(rpc, Target(sim, Victim, VictimPassword))));

        var changed = await IpmiTool.RunAsync(sim, "user", "set", "password", VictimId.ToString(System.Globalization.CultureInfo.InvariantCulture), "new-pass");
        Assert.True(changed.Succeeded, changed.ToString());

        var check = await DeviceIdAs(rpc, Target(sim, Victim, VictimPassword, fresh: true));
        Assert.Equal(-32003, ErrorCode(check));
        // The refused handshake closed the session the old password had opened.
        Assert.DoesNotContain(Victim, await PooledUsersAsync(rpc));
        Assert.Null(ErrorCode(await DeviceIdAs(rpc, Target(sim, Victim, "new-pass", fresh: true))));
    }

    [Fact]
    public async Task After_the_max_session_age_a_changed_password_stops_working_without_freshSession()
    {
        await using var sim = await StartSimAsync();
        await using var rpc = await IpmiRpcProcess.StartAsync(["--max-session-age", "2"]);
        Assert.Null(ErrorCode(await DeviceIdAs(rpc, Target(sim, Victim, VictimPassword))));
        var changed = await IpmiTool.RunAsync(sim, "user", "set", "password", VictimId.ToString(System.Globalization.CultureInfo.InvariantCulture), "new-pass");
        Assert.True(changed.Succeeded, changed.ToString());

        // Bounded poll: the pooled session serves the old password until it ages out, then the handshake is refused.
        JObject response = null!;
        await Poll.UntilAsync(
            async () => ErrorCode(response = await DeviceIdAs(rpc, Target(sim, Victim, VictimPassword))) is not null,
            "the old credentials to be refused", interval: TimeSpan.FromMilliseconds(200));

        Assert.Equal(-32003, ErrorCode(response));
    }

    [Fact]
    public async Task Disabling_a_user_through_ipmirpc_closes_that_users_pooled_session()
    {
        await using var sim = await StartSimAsync();
        await using var rpc = await IpmiRpcProcess.StartAsync();
        Assert.Null(ErrorCode(await DeviceIdAs(rpc, Target(sim, Victim, VictimPassword))));
        Assert.Contains(Victim, await PooledUsersAsync(rpc));

        // Set User Password, operation 00b: disable user 3 — as the admin, through the pool.
        var disable = await rpc.CallAsync("ipmi.requestResponse", new JObject
        {
            ["target"] = Target(sim, sim.User, sim.Password),
            ["command"] = "SetUserPassword",
            ["data"] = new JArray(VictimId, 0x00),
        }, Wait);
        Assert.True(disable["result"] is not null, disable.ToString(Formatting.None));

        Assert.DoesNotContain(Victim, await PooledUsersAsync(rpc));
        Assert.Equal(-32003, ErrorCode(await DeviceIdAs(rpc, Target(sim, Victim, VictimPassword))));
    }
}
