using System.Globalization;
using IpmiRpc.TestSupport;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Transports.OpenIpmi.Tests.InBand;

/// <summary>
/// One BMC seen two ways: an ipmi_sim on the host serves lanplus on loopback and, through QEMU's ipmi-bmc-extern,
/// the KCS interface of a guest. What the host writes over the network the guest must read in-band, and the other
/// way round. Guest files: tests/inband/guests/extern-bmc.
/// </summary>
[Collection(InBandCollection.Name)]
public sealed class ExternBmcGuestTests(InBandAssets assets)
{
    private const string PasswordEnv = "INBAND_SIM_PASSWORD";

    [Fact]
    public async Task Lan_address_set_over_lanplus_is_read_in_band_and_an_in_band_os_name_is_read_over_lanplus()
    {
        Assert.NotNull(assets);
        var rng = Random.Shared;
        var satelliteManufacturer = rng.Next(1, 0x10_0000);
        var satelliteProduct = rng.Next(1, 0x1_0000);
        await using var sim = await IpmiSim.StartAsync(new IpmiSimOptions
        {
            QemuSerialPort = Ports.GetFreeTcpPort(),
            SystemInfoPlugin = true,
            // A second controller on IPMB channel 0, reachable only by bridging through the BMC.
            ExtraEmu = [string.Create(CultureInfo.InvariantCulture, $"mc_add 0x30 0 no-device-sdrs 0x31 1 2 0x00 0x{satelliteManufacturer:x} 0x{satelliteProduct:x}"), "mc_enable 0x30"],
        });
        var ip = string.Create(CultureInfo.InvariantCulture, $"10.{rng.Next(0, 256)}.{rng.Next(0, 256)}.{rng.Next(1, 255)}");
        var mask = "255.255." + (256 - (1 << rng.Next(0, 8))).ToString(CultureInfo.InvariantCulture) + ".0";
        var systemName = "host-set-" + Guid.NewGuid().ToString("N")[..10];
        var osName = "guest-stamped-" + Guid.NewGuid().ToString("N")[..12];
        var gateway = ip[..ip.LastIndexOf('.')] + "." + (ip.EndsWith(".254", StringComparison.Ordinal) ? "253" : "254");

        // Out-of-band, from the host, with the project's own client.
        JToken deviceIdOverLan;
        await using (var host = await StartHostAsync(sim))
        {
            var set = await host.CallAsync("lan.setConfiguration", new { target = LanTarget(sim), ipAddress = ip, subnetMask = mask }, TimeSpan.FromSeconds(30));
            Assert.True(set["result"] is JObject, set.ToString());
            var named = await host.CallAsync("systemInfo.set", new { target = LanTarget(sim), values = new Dictionary<string, string> { ["systemName"] = systemName } }, TimeSpan.FromSeconds(30));
            Assert.True(named["result"] is JObject, named.ToString());
            deviceIdOverLan = (await host.CallAsync("bmc.getDeviceId", new { target = LanTarget(sim) }, TimeSpan.FromSeconds(30)))["result"]!;
            Assert.Equal(0x1291, (int)deviceIdOverLan["manufacturerId"]!);
            Assert.Equal(0, await host.CloseInputAndWaitAsync(TimeSpan.FromSeconds(20)));
        }

        var run = await QemuGuest.RunAsync("extern-bmc", "extern:" + sim.Options.QemuSerialPort, new Dictionary<string, string> { ["os-name.txt"] = osName, ["gateway.txt"] = gateway });
        Assert.True(run.ExitCode == 0, run + "\n--- ipmi_sim ---\n" + sim.LogText);

        // ipmitool -I open in the guest: the independent reading of the same registers.
        var lanPrint = run.Step("ipmitool-lan");
        Assert.Contains(lanPrint, l => l.StartsWith("IP Address  ", StringComparison.Ordinal) && l.EndsWith(": " + ip, StringComparison.Ordinal));
        Assert.Contains(lanPrint, l => l.StartsWith("Subnet Mask", StringComparison.Ordinal) && l.EndsWith(": " + mask, StringComparison.Ordinal));

        var read = run.Responses("ipmirpc-read");
        var lan = Result(read, "lan");
        Assert.Equal(ip, (string)lan["ipAddress"]!);
        Assert.Equal(mask, (string)lan["subnetMask"]!);
        Assert.Equal(1, (int)lan["channel"]!);

        // Raw Get LAN Configuration Parameters: revision byte, then the 4 address bytes.
        Assert.Equal([0x11, .. ip.Split('.').Select(byte.Parse)], Bytes(Result(read, "rawIp")));
        Assert.Equal([0x11, .. mask.Split('.').Select(byte.Parse)], Bytes(Result(read, "rawMask")));
        Assert.Equal(systemName, (string)Result(read, "sysName")["systemName"]!);
        Assert.True(JToken.DeepEquals(deviceIdOverLan, Result(read, "deviceId")), $"lanplus {deviceIdOverLan}\nin-band {Result(read, "deviceId")}");

        // Bridged through the kernel's IPMB addressing: same bytes as ipmitool -b 0 -t 0x30, and the satellite's identity.
        var bridged = Bytes(Result(read, "bridged"));
        Assert.Equal(Hex(run.Step("ipmitool-bridged")), bridged);
        Assert.True(bridged.Length >= 11, Convert.ToHexString(bridged));
        Assert.Equal(satelliteManufacturer, bridged[6] | (bridged[7] << 8) | (bridged[8] << 16));
        Assert.Equal(satelliteProduct, bridged[9] | (bridged[10] << 8));

        var written = run.Responses("ipmirpc-stamp");
        var stamp = Result(written, "stamp");
        Assert.True((bool)stamp["changed"]!, stamp.ToString());
        Assert.True((bool)Result(written, "gateway")["changed"]!, written["gateway"].ToString());
        Assert.Equal(osName, (string)Result(run.Responses("ipmirpc-verify"), "os")["operatingSystemName"]!);

        // Back on the host, over the network: the project's client and ipmitool agree on what the guest wrote.
        await using (var host = await StartHostAsync(sim))
        {
            var got = await host.CallAsync("systemInfo.get", new { target = LanTarget(sim), parameters = new[] { "operatingSystemName" } }, TimeSpan.FromSeconds(30));
            Assert.Equal(osName, (string)got["result"]!["operatingSystemName"]!);
            var lanNow = await host.CallAsync("lan.getConfiguration", new { target = LanTarget(sim) }, TimeSpan.FromSeconds(30));
            Assert.Equal(gateway, (string)lanNow["result"]!["defaultGatewayIp"]!);
            Assert.Equal(ip, (string)lanNow["result"]!["ipAddress"]!);
            await host.CloseInputAndWaitAsync(TimeSpan.FromSeconds(20));
        }

        var ipmitool = await IpmiTool.RunAsync(sim, "mc", "getsysinfo", "os_name");
        Assert.True(ipmitool.Succeeded, ipmitool.ToString());
        Assert.Equal(osName, ipmitool.StdOut.Trim());
        var lanPrintOverLan = await IpmiTool.RunAsync(sim, "lan", "print", "1");
        Assert.True(lanPrintOverLan.Succeeded, lanPrintOverLan.ToString());
        Assert.Contains(lanPrintOverLan.StdOut.Split('\n'), l => l.StartsWith("Default Gateway IP", StringComparison.Ordinal) && l.EndsWith(": " + gateway, StringComparison.Ordinal));
    }

    private static object LanTarget(IpmiSim sim) => new
    {
        host = sim.Host,
        port = sim.Port,
        username = sim.User,
        passwordEnv = PasswordEnv,
        cipherSuite = 3,
    };

    private static Task<IpmiRpcProcess> StartHostAsync(IpmiSim sim) =>
        IpmiRpcProcess.StartAsync(env: new Dictionary<string, string> { [PasswordEnv] = sim.Password });

    private static byte[] Hex(IEnumerable<string> lines) =>
        string.Join(' ', lines).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(h => byte.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();

    private static byte[] Bytes(JObject raw) => raw["data"]!.Select(t => (byte)(int)t).ToArray();

    private static JObject Result(IReadOnlyDictionary<string, JObject> responses, string id)
    {
        Assert.True(responses.TryGetValue(id, out var response), $"no response {id}");
        Assert.True(response["result"] is JObject, $"{id}: {response}");
        return (JObject)response["result"]!;
    }
}
