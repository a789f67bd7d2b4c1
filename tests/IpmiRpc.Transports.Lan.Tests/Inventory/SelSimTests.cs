using System.Globalization;
using IpmiRpc.Core.Sel;

namespace IpmiRpc.Transports.Lan.Tests.Inventory;

/// <summary>
/// SelReader over real lanplus against ipmi_sim (tests/fixtures/ipmi_sim/sel.emu), every field compared with
/// <c>ipmitool sel elist / sel info</c> and FreeIPMI <c>ipmi-sel</c> on the same simulator.
/// </summary>
public sealed class SelSimTests : IAsyncLifetime
{
    private InventorySimSession _bmc = null!;

    public async Task InitializeAsync() => _bmc = await InventorySimSession.StartAsync();

    public async Task DisposeAsync() => await _bmc.DisposeAsync();

    private SelReader Reader() => new(_bmc.Send);

    [Fact]
    public async Task Every_record_matches_ipmitool_sel_elist()
    {
        var listing = await Reader().ListAsync(new SelQuery(), CancellationToken.None);
        var rows = ElistRows(await _bmc.IpmiToolAsync("sel", "elist"));

        Assert.Equal(8, listing.Records.Count);
        Assert.Equal(rows.Count, listing.Records.Count);
        foreach (var (record, row) in listing.Records.Zip(rows))
        {
            Assert.Equal(ushort.Parse(row[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture), record.RecordId);
            switch (record)
            {
                case SystemEventRecord e:
                    // "   1 |  Pre-Init  |0000001250| Temperature #0x30 | Upper Critical going high | Asserted"
                    Assert.Equal("Pre-Init", row[1]);
                    Assert.True(e.Time.IsPreInit);
                    Assert.Equal(uint.Parse(row[2], CultureInfo.InvariantCulture), e.Time.Raw);
                    Assert.Equal($"{e.SensorTypeName} #0x{e.SensorNumber:x2}", row[3]);
                    // Ours are the spec's texts (Tables 42-2/42-3, as FreeIPMI prints them); ipmitool drops the " -" of the
                    // threshold texts and shortens some ("Failure detected"); it never says something ours does not.
                    Assert.Contains(row[4], e.Description!.Replace(" -", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
                    Assert.Equal(e.Direction == SelEventDirection.Assertion ? "Asserted" : "Deasserted", row[5]);
                    break;
                case OemTimestampedRecord o:
                    // "   7 |  Pre-Init  |0000001250| OEM record c1 | 001291 | 010203040506"
                    Assert.Equal(uint.Parse(row[2], CultureInfo.InvariantCulture), o.Time.Raw);
                    Assert.Equal($"OEM record {o.RecordType:x2}", row[3]);
                    Assert.Equal(o.ManufacturerId.ToString("x6", CultureInfo.InvariantCulture), row[4]);
                    Assert.Equal(Convert.ToHexStringLower(o.OemData), row[5]);
                    break;
                case OemNonTimestampedRecord n:
                    Assert.Equal($"OEM record {n.RecordType:x2}", row[1]);
                    Assert.Equal(Convert.ToHexStringLower(n.OemData), row[2]);
                    break;
                default:
                    Assert.Fail($"unexpected record {record}");
                    break;
            }
        }

        // Get SEL Time answers the same uptime clock, so every pre-init record gets a corrected UTC time.
        Assert.All(listing.Records.OfType<SystemEventRecord>(), e => Assert.Equal(SelTimeQuality.Corrected, e.Time.Quality));
        Assert.Equal((ushort)8, listing.Cursor.LastRecordId);
    }

    [Fact]
    public async Task Every_record_matches_FreeIPMI_ipmi_sel()
    {
        var listing = await Reader().ListAsync(new SelQuery(), CancellationToken.None);
        var rows = (await _bmc.FreeIpmiAsync("ipmi-sel", "-vv", "--no-header-output", "--comma-separated-output", "--output-manufacturer-id"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(',')).ToList();

        Assert.Equal(listing.Records.Count, rows.Count);
        foreach (var (record, row) in listing.Records.Zip(rows))
        {
            // ID,Date,Time,Name,Type,Event Direction,Event
            Assert.Equal(record.RecordId, ushort.Parse(row[0], CultureInfo.InvariantCulture));
            var evt = string.Join(",", row[6..]);
            switch (record)
            {
                case SystemEventRecord e:
                    Assert.Equal("PostInit", row[1]); // FreeIPMI's word for a pre-init (uptime) timestamp
                    Assert.Equal($"Sensor #{e.SensorNumber} (Generator ID {e.Generator.Address:X2}h)", row[3]);
                    Assert.Equal(e.SensorTypeName, row[4]);
                    Assert.Equal(e.Direction == SelEventDirection.Assertion ? "Assertion Event" : "Deassertion Event", row[5]);
                    var parts = evt.Split(" ; ");
                    Assert.Contains(parts[0], e.Description, StringComparison.OrdinalIgnoreCase); // both the spec's texts
                    if (e.EventData.TriggerReading is { } reading)
                        Assert.Contains($"Sensor Reading = {reading:X2}h", parts);
                    if (e.EventData.TriggerThreshold is { } threshold)
                        Assert.Contains($"Threshold = {threshold:X2}h", parts);
                    if (e.EventData.Data3Usage == SelEventDataUsage.SensorSpecificExtension)
                        Assert.Contains($"Event Data3 = {e.EventData.Data3:X2}h (Event Type Code = {e.EventType:X2}h)", parts);
                    break;
                case OemTimestampedRecord o:
                    Assert.Contains($"({o.ManufacturerId:X}h)", evt, StringComparison.Ordinal);
                    Assert.EndsWith($"OEM defined (Record Type = {o.RecordType:X2}h) = {Hex(o.OemData)}", evt, StringComparison.Ordinal);
                    break;
                case OemNonTimestampedRecord n:
                    Assert.Equal("N/A", row[1]);
                    Assert.Equal($"OEM defined (Record Type = {n.RecordType:X2}h) = {Hex(n.OemData)}", evt);
                    break;
            }
        }
    }

    // ipmitool also prints its SDR probing ("SDRR successfully erased") on stdout: keep the record rows only.
    private static List<string[]> ElistRows(string stdout) =>
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('|').Select(c => c.Trim()).ToArray())
            .Where(cols => cols.Length >= 3 && ushort.TryParse(cols[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out _))
            .ToList();

    private static string Hex(byte[] bytes) => string.Join(" ", bytes.Select(b => $"{b:X2}h"));

    [Fact]
    public async Task SEL_info_matches_ipmitool_and_FreeIPMI()
    {
        var info = await Reader().GetInfoAsync(CancellationToken.None);
        var tool = Fields(await _bmc.IpmiToolAsync("sel", "info"), ':');
        var free = Fields(await _bmc.FreeIpmiAsync("ipmi-sel", "--info"), ':');

        Assert.StartsWith(info.VersionText, tool["Version"], StringComparison.Ordinal);
        Assert.Equal(info.Entries.ToString(CultureInfo.InvariantCulture), tool["Entries"]);
        Assert.Equal($"{info.FreeSpaceBytes} bytes", tool["Free Space"]);
        Assert.Equal(info.Overflow ? "true" : "false", tool["Overflow"]);
        Assert.Equal(info.VersionText, free["SEL version"]);
        Assert.Equal(info.Entries.ToString(CultureInfo.InvariantCulture), free["Number of log entries"]);
        Assert.Equal($"Post-Init {info.MostRecentAddition} s", free["Recent addition timestamp"]);
        Assert.Equal($"Post-Init {info.MostRecentErase} s", free["Recent erase timestamp"]);
        Assert.Equal(info.SupportsReserve ? "supported" : "unsupported", free["Reserve SEL Command"]);
        Assert.Equal(info.SupportsDelete ? "supported" : "unsupported", free["Delete SEL Command"]);
        Assert.Equal(info.SupportsAllocationInfo ? "supported" : "unsupported", free["Get SEL Allocation Information Command"]);
        Assert.Null(await Reader().GetAllocationInfoAsync(CancellationToken.None)); // ipmi_sim: flags 0x0a, no alloc info
    }

    private static Dictionary<string, string> Fields(string text, char separator) =>
        text.Split('\n').Where(l => l.Contains(separator, StringComparison.Ordinal))
            .Select(l => l.Split(separator, 2))
            .GroupBy(p => p[0].Trim()).ToDictionary(g => g.Key, g => g.First()[1].Trim());

    [Fact]
    public async Task The_cursor_picks_up_a_record_added_by_ipmitool_and_only_that_one()
    {
        var reader = Reader();
        var first = await reader.ReadNewAsync(null, CancellationToken.None);
        var unchanged = await reader.ReadNewAsync(first.Cursor, CancellationToken.None);

        // Add SEL Entry (0A 44): Temperature #31h, Upper Non-critical going high.
        await _bmc.IpmiToolAsync("raw", "0x0a", "0x44", "0", "0", "0x02", "0", "0", "0", "0", "0x20", "0", "0x04", "0x01", "0x31", "0x01", "0x57", "0x60", "0x55");
        var next = await reader.ReadNewAsync(unchanged.Cursor, CancellationToken.None);

        Assert.Equal(8, first.Records.Count);
        Assert.Empty(unchanged.Records);
        Assert.Equal(0, unchanged.EntryReads);
        var added = Assert.IsType<SystemEventRecord>(Assert.Single(next.Records));
        Assert.False(next.Restarted);
        Assert.Equal("Upper Non-critical - going high", added.Description);
        var elist = await _bmc.IpmiToolAsync("sel", "elist");
        Assert.Contains($"{added.RecordId:x} |", elist, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_then_clear_returns_every_record_and_leaves_the_SEL_empty_and_a_dry_run_leaves_it_full()
    {
        var reader = Reader();
        var plan = await reader.PlanClearAsync(fetchFirst: true, CancellationToken.None);
        Assert.Equal(8, plan.Entries);
        Assert.Contains("Entries          : 8", await _bmc.IpmiToolAsync("sel", "info"), StringComparison.Ordinal);

        var result = await reader.ClearAsync(fetchFirst: true, CancellationToken.None);

        Assert.Equal(Enumerable.Range(1, 8), result.Fetched.Select(r => (int)r.RecordId));
        Assert.Equal(1, result.Attempts);
        Assert.Contains("Entries          : 0", await _bmc.IpmiToolAsync("sel", "info"), StringComparison.Ordinal);
        var after = await reader.ListAsync(new SelQuery(), CancellationToken.None);
        Assert.Empty(after.Records);
        Assert.NotEqual(0u, after.Info.MostRecentErase);
    }

    [Fact]
    public async Task Last_and_since_record_id_filter_as_ipmitool_sel_elist_last_does()
    {
        var last3 = await Reader().ListAsync(new SelQuery(Last: 3), CancellationToken.None);
        var after6 = await Reader().ListAsync(new SelQuery(SinceRecordId: 6), CancellationToken.None);
        var toolLast3 = ElistRows(await _bmc.IpmiToolAsync("sel", "elist", "last", "3"))
            .Select(row => ushort.Parse(row[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture));

        Assert.Equal(toolLast3, last3.Records.Select(r => r.RecordId));
        Assert.Equal([7, 8], after6.Records.Select(r => (int)r.RecordId));
    }

    [Fact]
    public async Task SEL_time_set_and_get_round_trip_and_agree_with_ipmitool()
    {
        var reader = Reader();
        var before = await reader.GetTimeAsync(CancellationToken.None);
        Assert.Equal(SelTimeQuality.PreInit, before.Bmc.Quality); // ipmi_sim's SEL clock is its uptime until set

        var set = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        await reader.SetTimeAsync(set, CancellationToken.None);
        var after = await reader.GetTimeAsync(CancellationToken.None);
        var tool = (await _bmc.IpmiToolAsync("-Z", "sel", "time", "get")).Trim();

        Assert.Equal(SelTimeQuality.BmcClock, after.Bmc.Quality);
        // The clock ticks on between the set and the reads, so only order is certain: set ≤ ours ≤ ipmitool's.
        Assert.Equal(set.Year, after.Bmc.Utc!.Value.Year);
        Assert.True(after.Bmc.Utc.Value >= set, $"{after.Bmc.Utc} before {set}");
        // ipmitool -Z prints "01/02/26 03:04:05 GMT" (two-digit year, UTC).
        var toolTime = DateTimeOffset.ParseExact(tool, "MM/dd/yy HH:mm:ss 'GMT'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        Assert.True(toolTime >= after.Bmc.Utc.Value, $"ipmitool {toolTime} before ours {after.Bmc.Utc}");
    }
}
