using System.Globalization;
using IpmiRpc.TestSupport;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.EndToEnd.Tests;

/// <summary>
/// <c>sel.*</c>, <c>fru.read</c> and <c>users.list</c> through the real <c>ipmirpc</c> against ipmi_sim with the SEL,
/// FRU and user fixtures, cross-checked with ipmitool on the same simulator and validated against schema/.
/// (Field-by-field agreement of the Core decoders with ipmitool and FreeIPMI: Transports.Lan.Tests/Inventory.)
/// </summary>
public sealed class InventoryTests
{
    [Fact]
    public async Task Sel_info_and_list_agree_with_ipmitool_and_a_cursor_fetches_only_new_records()
    {
        await using var sim = await InventorySim.StartAsync();
        await using var rpc = await ChassisTests.StartRpcAsync(sim);
        var target = ChassisTests.Target(sim);

        var info = await ChassisTests.CallAsync(rpc, "sel.getInfo", new JObject { ["target"] = target });
        var tool = ChassisTests.ParseColonLines((await IpmiTool.RunAsync(sim, "sel", "info")).StdOut);
        Assert.Equal(tool["Entries"], ((int)info["info"]!["entries"]!).ToString(CultureInfo.InvariantCulture));

        var listing = await ChassisTests.CallAsync(rpc, "sel.list", new JObject { ["target"] = target });
        var elist = await IpmiTool.RunAsync(sim, "sel", "elist");
        Assert.True(elist.ExitCode == 0, elist.ToString());
        var toolIds = elist.StdOut.Split('\n')
            .Select(l => l.Split('|')[0].Trim())
            .Where(id => ushort.TryParse(id, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out _))
            .Select(id => ushort.Parse(id, NumberStyles.HexNumber, CultureInfo.InvariantCulture))
            .ToArray();
        var ids = listing["records"]!.Select(r => (int)r["recordId"]!).ToArray();
        Assert.NotEmpty(ids);
        Assert.Equal(toolIds.Select(i => (int)i), ids);

        var last = await ChassisTests.CallAsync(rpc, "sel.list", new JObject { ["target"] = target, ["last"] = 3 });
        Assert.Equal(ids[^3..], last["records"]!.Select(r => (int)r["recordId"]!));

        // Unchanged SEL + the cursor: nothing new, and no entry read spent.
        var again = await ChassisTests.CallAsync(rpc, "sel.list", new JObject { ["target"] = target, ["cursor"] = listing["cursor"] });
        Assert.Empty((JArray)again["records"]!);
        Assert.Equal(0, (int)again["entryReads"]!);

        // One more event (ipmitool on the side): the cursor brings exactly that one.
        var add = await IpmiTool.RunAsync(sim, "raw", "0x0a", "0x44", "0x00", "0x00", "0x02", "0x00", "0x00", "0x00", "0x00", "0x20", "0x00", "0x04", "0x01", "0x01", "0x01", "0x57", "0x00", "0x00");
        Assert.True(add.ExitCode == 0, add.ToString());
        var added = await ChassisTests.CallAsync(rpc, "sel.list", new JObject { ["target"] = target, ["cursor"] = again["cursor"] });
        Assert.Single((JArray)added["records"]!);
    }

    [Fact]
    public async Task A_target_with_the_assumeSystemEventRecord_quirk_decodes_a_mistyped_sel_record_as_a_system_event()
    {
        await using var sim = await InventorySim.StartAsync();
        await using var rpc = await ChassisTests.StartRpcAsync(sim);
        // The misbehaving BMC (FreeIPMI assumesystemevent, HP DL380 G5): a well-formed threshold event, sensor 0x30,
        // logged with the undefined record type 0x00.
        var add = await IpmiTool.RunAsync(sim, "raw", "0x0a", "0x44", "0x00", "0x00", "0x00", "0x00", "0x00", "0x00", "0x00", "0x20", "0x00", "0x04", "0x01", "0x30", "0x01", "0x59", "0x5a", "0x55");
        Assert.True(add.ExitCode == 0, add.ToString());
        var id = ushort.Parse(add.StdOut.Replace(" ", "", StringComparison.Ordinal).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var recordId = (id >> 8) | ((id & 0xFF) << 8);

        var plain = await ChassisTests.CallAsync(rpc, "sel.list", new JObject { ["target"] = ChassisTests.Target(sim) });
        var quirkedTarget = ChassisTests.Target(sim);
        quirkedTarget["quirks"] = new JArray("assumeSystemEventRecord");
        var quirked = await ChassisTests.CallAsync(rpc, "sel.list", new JObject { ["target"] = quirkedTarget });

        var raw = plain["records"]!.Single(r => (int)r["recordId"]! == recordId);
        Assert.Equal(0, (int)raw["recordType"]!);
        Assert.Null(raw["sensorNumber"]);
        var decoded = quirked["records"]!.Single(r => (int)r["recordId"]! == recordId);
        Assert.Equal(0, (int)decoded["recordType"]!);
        Assert.Equal(0x30, (int)decoded["sensorNumber"]!);
        Assert.Equal("Temperature", (string?)decoded["sensorTypeName"]);
        // The well-typed records decode to the same kind either way (their corrected times move with the host clock).
        static string[] Shapes(JToken listing, int skip) => listing["records"]!.Where(r => (int)r["recordId"]! != skip)
            .Select(r => $"{(int)r["recordId"]!} {(string?)r["description"]} {string.Join(',', ((JObject)r).Properties().Select(p => p.Name))}").ToArray();
        Assert.Equal(Shapes(plain, recordId), Shapes(quirked, recordId));
    }

    [Fact]
    public async Task Sel_clear_dry_run_leaves_the_log_and_a_real_clear_returns_every_record_first()
    {
        await using var sim = await InventorySim.StartAsync();
        await using var rpc = await ChassisTests.StartRpcAsync(sim);
        var target = ChassisTests.Target(sim);
        static async Task<string> EntriesAsync(IpmiSim sim) => ChassisTests.ParseColonLines((await IpmiTool.RunAsync(sim, "sel", "info")).StdOut)["Entries"];
        var before = await EntriesAsync(sim);
        Assert.NotEqual("0", before);

        var dry = await ChassisTests.CallAsync(rpc, "sel.clear", new JObject { ["target"] = target, ["dryRun"] = true });
        Assert.True((bool)dry["dryRun"]!);
        Assert.Equal(JTokenType.Null, dry["result"]!.Type);
        Assert.Equal(before, await EntriesAsync(sim));

        var cleared = await ChassisTests.CallAsync(rpc, "sel.clear", new JObject { ["target"] = target });
        Assert.True((bool)cleared["changed"]!);
        Assert.Equal(int.Parse(before, CultureInfo.InvariantCulture), ((JArray)cleared["result"]!["fetched"]!).Count);
        Assert.Equal("0", await EntriesAsync(sim));
    }

    [Fact]
    public async Task Sel_time_set_is_read_back_by_ipmitool_and_freeipmi_is_skipped_when_close_and_dry_run_sends_nothing()
    {
        await using var sim = await InventorySim.StartAsync();
        await using var rpc = await ChassisTests.StartRpcAsync(sim);
        var target = ChassisTests.Target(sim);
        const string Wanted = "2031-03-04T05:06:07Z";

        var dry = await ChassisTests.CallAsync(rpc, "sel.setTime", new JObject { ["target"] = target, ["time"] = Wanted, ["dryRun"] = true });
        Assert.True((bool)dry["changed"]!);
        Assert.True((bool)dry["dryRun"]!);
        Assert.DoesNotContain("03/04/31 ", await IpmitoolSelTimeAsync(sim), StringComparison.Ordinal);

        var set = await ChassisTests.CallAsync(rpc, "sel.setTime", new JObject { ["target"] = target, ["time"] = Wanted });
        Assert.True((bool)set["changed"]!);
        Assert.False((bool)set["dryRun"]!);
        // The BMC's clock runs on after the set, so the peers are compared by date and hour (they read it moments later).
        Assert.StartsWith("03/04/31 05:", await IpmitoolSelTimeAsync(sim), StringComparison.Ordinal);
        var freeipmi = await FreeIpmi.RunAsync("bmc-device", sim, "--get-sel-time");
        Assert.True(freeipmi.ExitCode == 0, freeipmi.ToString());
        Assert.Contains("03/04/2031 - 05:", freeipmi.StdOut, StringComparison.Ordinal);
        var clock = await ChassisTests.CallAsync(rpc, "sel.getTime", new JObject { ["target"] = target });
        Assert.Equal("bmcClock", (string?)clock["bmc"]!["quality"]);
        Assert.StartsWith("2031-03-04T05:", clock["bmc"]!["utc"]!.ToObject<DateTimeOffset>().ToUniversalTime().ToString("yyyy-MM-ddTHH:", CultureInfo.InvariantCulture), StringComparison.Ordinal);

        // Already there (within an hour): nothing is sent, and the drift is reported.
        var again = await ChassisTests.CallAsync(rpc, "sel.setTime", new JObject { ["target"] = target, ["time"] = Wanted, ["toleranceSeconds"] = 3600 });
        Assert.False((bool)again["changed"]!);
        Assert.NotEqual(JTokenType.Null, again["drift"]!.Type);

        // Default: the host's clock.
        var synced = await ChassisTests.CallAsync(rpc, "sel.setTime", new JObject { ["target"] = target });
        Assert.True((bool)synced["changed"]!);
        var after = await ChassisTests.CallAsync(rpc, "sel.getTime", new JObject { ["target"] = target });
        var offset = after["offset"]!;
        Assert.NotEqual(JTokenType.Null, offset.Type);
        Assert.True(Math.Abs(TimeSpan.Parse((string)offset!, CultureInfo.InvariantCulture).TotalHours) < 1, after.ToString());

        var bad = await ChassisTests.RawCallAsync(rpc, "sel.setTime", new JObject { ["target"] = target, ["time"] = "1980-01-01T00:00:00Z" });
        Assert.Equal(-32602, (int)bad["error"]!["code"]!);
    }

    private static async Task<string> IpmitoolSelTimeAsync(IpmiSim sim)
    {
        var r = await IpmiTool.RunAsync(sim, "sel", "time", "get");
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.StdOut.Trim();
    }

    [Fact]
    public async Task Fru_and_users_agree_with_ipmitool()
    {
        await using var sim = await InventorySim.StartAsync();
        await using var rpc = await ChassisTests.StartRpcAsync(sim);
        var target = ChassisTests.Target(sim);

        var fru = await ChassisTests.CallAsync(rpc, "fru.read", new JObject { ["target"] = target });
        var print = ChassisTests.ParseColonLines((await IpmiTool.RunAsync(sim, "fru", "print", "0")).StdOut);
        Assert.Equal(print["Board Mfg"], (string?)fru["inventory"]!["board"]!["manufacturer"]!["text"]);
        Assert.Equal(print["Product Name"], (string?)fru["inventory"]!["product"]!["productName"]!["text"]);
        Assert.Empty((JArray)fru["inventory"]!["problems"]!);

        var users = await ChassisTests.CallAsync(rpc, "users.list", new JObject { ["target"] = target, ["channel"] = 1 });
        var rows = (await IpmiTool.RunAsync(sim, "user", "list", "1")).StdOut.Split('\n')
            .Select(l => l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            .Where(c => c.Length >= 2 && int.TryParse(c[0], out _) && !c[1].StartsWith("true", StringComparison.Ordinal) && !c[1].StartsWith("false", StringComparison.Ordinal))
            .ToDictionary(c => int.Parse(c[0], CultureInfo.InvariantCulture), c => c[1]);
        var listed = users["users"]!.Where(u => !string.IsNullOrEmpty((string?)u["name"])).ToArray();
        Assert.NotEmpty(listed);
        foreach (var user in listed)
        {
            Assert.Equal(rows[(int)user["userId"]!], (string?)user["name"]);
        }

        Assert.DoesNotContain("password", users.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
