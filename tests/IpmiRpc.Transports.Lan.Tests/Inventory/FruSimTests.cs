using System.Globalization;
using IpmiRpc.Core.Fru;
using IpmiRpc.TestSupport;

namespace IpmiRpc.Transports.Lan.Tests.Inventory;

/// <summary>
/// FruReader over real lanplus against ipmi_sim (tests/fixtures/ipmi_sim/fru.emu), compared field by field with
/// <c>ipmitool -v fru print 0</c> and FreeIPMI <c>ipmi-fru -v</c>.
/// </summary>
public sealed class FruSimTests : IAsyncLifetime
{
    private InventorySimSession _bmc = null!;

    public async Task InitializeAsync() => _bmc = await InventorySimSession.StartAsync();

    public async Task DisposeAsync() => await _bmc.DisposeAsync();

    private Task<FruReadResult> ReadAsync(FruChunkSizes? sizes = null) =>
        new FruReader(_bmc.Send, sizes ?? new FruChunkSizes(), _bmc.Sim.ToString()).ReadAsync(0, null, CancellationToken.None);

    /// <summary>"Key : Value" lines in order (keys repeat: Extra fields, multi-record fields).</summary>
    private static List<(string Key, string Value)> Pairs(string text, string separator) =>
        text.Split('\n')
            .Where(l => l.Contains(separator, StringComparison.Ordinal))
            .Select(l => l.Split(separator, 2))
            .Select(p => (p[0].Trim(), p[1].Trim()))
            .ToList();

    [Fact]
    public async Task Reads_the_image_byte_for_byte_as_ipmitool_fru_read_does_and_backs_off_from_the_simulators_C8h()
    {
        var sizes = new FruChunkSizes();
        var first = await ReadAsync(sizes);
        var second = await ReadAsync(sizes);
        var file = Path.Combine(_bmc.Sim.Directory, "fru0.bin");
        await _bmc.IpmiToolAsync("fru", "read", "0", file);

        Assert.Equal(await File.ReadAllBytesAsync(file), first.Inventory.Raw);
        Assert.Equal(first.AreaInfo.SizeBytes, first.Inventory.Raw.Length);
        Assert.Empty(first.Inventory.Problems);
        // pyghmi's fixed 224-byte chunk gets C8h here; the reader halves until a size works and keeps it.
        Assert.True(first.ChunkSize < FruChunkSizes.Initial, $"chunk {first.ChunkSize}");
        Assert.Equal(first.ChunkSize, sizes.Get(_bmc.Sim.ToString()));
        Assert.True(second.Reads < first.Reads, $"second read took {second.Reads} commands, first {first.Reads}");
    }

    [Fact]
    public async Task Every_field_matches_ipmitool_fru_print()
    {
        var fru = (await ReadAsync()).Inventory;
        var tool = Pairs(await _bmc.IpmiToolAsync("-v", "fru", "print", "0"), " : ");
        string One(string key) => Assert.Single(tool, p => p.Key == key).Value;

        Assert.Equal(fru.Chassis!.ChassisTypeName, One("Chassis Type"));
        Assert.Equal(fru.Chassis.PartNumber!.Text, One("Chassis Part Number"));
        Assert.Equal(fru.Chassis.SerialNumber!.Text, One("Chassis Serial"));
        // BCD plus "1234-56 ": ipmitool prints both nibbles of every byte, as we do (the trailing space is the pad nibble).
        Assert.Equal(fru.Chassis.Custom.Select(f => f.Text!.Trim()), tool.Where(p => p.Key == "Chassis Extra").Select(p => p.Value));

        var date = DateTimeOffset.ParseExact(One("Board Mfg Date").Replace("  ", " ", StringComparison.Ordinal),
            "ddd MMM d HH:mm:ss yyyy 'UTC'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        Assert.Equal(fru.Board!.ManufacturedAt, date);
        Assert.Equal(fru.Board.Manufacturer!.Text, One("Board Mfg"));
        Assert.Equal(fru.Board.ProductName!.Text, One("Board Product"));
        Assert.Equal(fru.Board.SerialNumber!.Text, One("Board Serial"));
        Assert.Equal(fru.Board.PartNumber!.Text, One("Board Part Number"));
        Assert.Equal(Convert.ToHexStringLower(fru.Board.FruFileId!.Data), One("Board FRU ID"));
        Assert.Equal(fru.Board.Custom.Select(f => f.Text), tool.Where(p => p.Key == "Board Extra").Select(p => p.Value));

        var product = fru.Product!;
        Assert.Equal(product.Manufacturer!.Text, One("Product Manufacturer"));
        Assert.Equal(product.ProductName!.Text, One("Product Name"));
        Assert.Equal(product.PartModelNumber!.Text, One("Product Part Number"));
        Assert.Equal(product.Version!.Text, One("Product Version"));
        Assert.Equal(product.SerialNumber!.Text, One("Product Serial"));
        Assert.Equal(product.AssetTag!.Text, One("Product Asset Tag"));
        Assert.Equal(product.Custom.Select(f => f.Text), tool.Where(p => p.Key == "Product Extra").Select(p => p.Value));

        var records = fru.MultiRecord!.Records;
        var ps = Assert.IsType<FruPowerSupply>(records[0].Content);
        Assert.Equal($"{ps.CapacityWatts} W", One("Capacity"));
        Assert.Equal($"{ps.PeakVa} VA", One("Peak VA"));
        Assert.Equal($"{ps.InrushCurrentAmps} A", One("Inrush Current"));
        Assert.Equal($"{ps.InrushIntervalMs} ms", One("Inrush Interval"));
        Assert.Equal($"{ps.LowInputVoltage1Millivolts / 1000}-{ps.HighInputVoltage1Millivolts / 1000} V", One("Input Voltage Range 1"));
        Assert.Equal($"{ps.LowInputVoltage2Millivolts / 1000}-{ps.HighInputVoltage2Millivolts / 1000} V", One("Input Voltage Range 2"));
        Assert.Equal($"{ps.LowInputFrequencyHz}-{ps.HighInputFrequencyHz} Hz", One("Input Frequency Range"));
        Assert.Equal($"{ps.AcDropoutToleranceMs} ms", One("A/C Dropout Tolerance"));
        var flags = new List<string>();
        if (ps.PredictiveFailSupport)
            flags.Add("'Predictive fail'");
        if (ps.PowerFactorCorrection)
            flags.Add("'Power factor correction'");
        if (ps.Autoswitch)
            flags.Add("'Autoswitch voltage'");
        if (ps.HotSwap)
            flags.Add("'Hot swap'");
        Assert.Equal(string.Join(" ", flags), One("Flags"));
        Assert.Equal($"{ps.PeakCapacityWatts} W", One("Peak capacity"));
        Assert.Equal($"{ps.HoldUpTimeSeconds} s", One("Peak capacity holdup"));
        Assert.Equal($"{ps.TotalCombinedWatts} W (12 V and -12 V)", One("Combined capacity"));
        Assert.Equal((FruCombinedVoltage.Plus12V, FruCombinedVoltage.Minus12V), (ps.CombinedVoltage1, ps.CombinedVoltage2));

        var dcOut = Assert.IsType<FruDcOutput>(records[1].Content);
        var dcLoad = Assert.IsType<FruDcLoad>(records[2].Content);
        string[] outputs = [.. tool.Where(p => p.Key == "Output Number").Select(p => p.Value)];
        string[] nominal = [.. tool.Where(p => p.Key == "Nominal voltage").Select(p => p.Value)];
        string[] ripple = [.. tool.Where(p => p.Key == "Ripple and noise pk-pk").Select(p => p.Value)];
        Assert.Equal([dcOut.OutputNumber.ToString(CultureInfo.InvariantCulture), dcLoad.OutputNumber.ToString(CultureInfo.InvariantCulture)], outputs);
        Assert.Equal([Volts(dcOut.NominalMillivolts), Volts(dcLoad.NominalMillivolts)], nominal);
        Assert.Equal([$"{dcOut.RippleNoiseMillivolts} mV", $"{dcLoad.RippleNoiseMillivolts} mV"], ripple);
        Assert.Equal(dcOut.Standby ? "Yes" : "No", One("Standby power"));
        Assert.Equal(Volts(dcOut.MaxNegativeDeviationMillivolts), One("Max negative deviation"));
        Assert.Equal(Volts(dcOut.MaxPositiveDeviationMillivolts), One("Max positive deviation"));
        Assert.Equal(Amps(dcOut.MinCurrentMilliamps), One("Minimum current draw"));
        Assert.Equal(Amps(dcOut.MaxCurrentMilliamps), One("Maximum current draw"));
        Assert.Equal(Volts(dcLoad.MinVoltageMillivolts), One("Min voltage allowed"));
        Assert.Equal(Volts(dcLoad.MaxVoltageMillivolts), One("Max voltage allowed"));
        Assert.Equal(Amps(dcLoad.MinCurrentMilliamps), One("Minimum current load"));
        Assert.Equal(Amps(dcLoad.MaxCurrentMilliamps), One("Maximum current load"));
    }

    private static string Volts(int millivolts) => (millivolts / 1000.0).ToString("0.00", CultureInfo.InvariantCulture) + " V";

    private static string Amps(int milliamps) => (milliamps / 1000.0).ToString("0.000", CultureInfo.InvariantCulture) + " A";

    [Fact]
    public async Task Every_field_matches_FreeIPMI_ipmi_fru()
    {
        var fru = (await ReadAsync()).Inventory;
        var free = Pairs(await _bmc.FreeIpmiAsync("ipmi-fru", "-v"), ": ");
        string One(string key) => Assert.Single(free, p => p.Key == key).Value;

        Assert.Equal(fru.Chassis!.ChassisTypeName, One("FRU Chassis Type"));
        Assert.Equal(fru.Chassis.PartNumber!.Text, One("FRU Chassis Part Number"));
        Assert.Equal(fru.Chassis.SerialNumber!.Text, One("FRU Chassis Serial Number"));
        // FreeIPMI reads BCD plus as one character per byte and rejects the packed field ipmitool and we decode.
        Assert.Equal([fru.Chassis.Custom[0].Text, "Error 'FRU invalid BCD encoding'"],
            free.Where(p => p.Key == "FRU Chassis Custom Info").Select(p => p.Value));

        Assert.Equal("English", One("FRU Board Language"));
        Assert.Equal(0, fru.Board!.LanguageCode);
        Assert.Equal(fru.Board.ManufacturedAt!.Value.ToString("MM/dd/yy - HH:mm:ss", CultureInfo.InvariantCulture), One("FRU Board Manufacturing Date/Time"));
        Assert.Equal(fru.Board.Manufacturer!.Text, One("FRU Board Manufacturer"));
        Assert.Equal(fru.Board.ProductName!.Text, One("FRU Board Product Name"));
        Assert.Equal(fru.Board.SerialNumber!.Text, One("FRU Board Serial Number"));
        Assert.Equal(fru.Board.PartNumber!.Text, One("FRU Board Part Number"));
        Assert.Equal(string.Join(" ", fru.Board.FruFileId!.Data.Select(b => $"{b:X2}h")), One("FRU FRU File ID"));
        Assert.Equal(fru.Board.Custom.Select(f => f.Text), free.Where(p => p.Key == "FRU Board Custom Info").Select(p => p.Value));

        var product = fru.Product!;
        Assert.Equal(product.Manufacturer!.Text, One("FRU Product Manufacturer Name"));
        Assert.Equal(product.ProductName!.Text, One("FRU Product Name"));
        Assert.Equal(product.PartModelNumber!.Text, One("FRU Product Part/Model Number"));
        Assert.Equal(product.Version!.Text, One("FRU Product Version"));
        Assert.Equal(product.SerialNumber!.Text, One("FRU Product Serial Number"));
        Assert.Equal(product.AssetTag!.Text, One("FRU Product Asset Tag"));
        Assert.Equal(product.Custom.Select(f => f.Text), free.Where(p => p.Key == "FRU Product Custom Info").Select(p => p.Value));

        var records = fru.MultiRecord!.Records;
        var ps = Assert.IsType<FruPowerSupply>(records[0].Content);
        Assert.Equal($"{ps.CapacityWatts} Watts", One("FRU Power Supply Overall Capacity"));
        Assert.Equal($"{ps.PeakVa} VA", One("FRU Power Supply Peak VA"));
        Assert.Equal($"{ps.InrushCurrentAmps} Amps", One("FRU Power Supply Max Inrush Current"));
        Assert.Equal($"{ps.InrushIntervalMs} ms", One("FRU Power Supply Inrush Interval"));
        Assert.Equal($"{ps.LowInputVoltage1Millivolts} mV", One("FRU Power Supply Low End Input Voltage 1"));
        Assert.Equal($"{ps.HighInputVoltage1Millivolts} mV", One("FRU Power Supply High End Input Voltage 1"));
        Assert.Equal($"{ps.LowInputVoltage2Millivolts} mV", One("FRU Power Supply Low End Input Voltage 2"));
        Assert.Equal($"{ps.HighInputVoltage2Millivolts} mV", One("FRU Power Supply High End Input Voltage 2"));
        Assert.Equal($"{ps.LowInputFrequencyHz} Hz", One("FRU Power Supply Low End Acceptable Frequency"));
        Assert.Equal($"{ps.HighInputFrequencyHz} Hz", One("FRU Power Supply High End Acceptable Frequency"));
        Assert.Equal($"{ps.AcDropoutToleranceMs} ms", One("FRU Power Supply A/C Dropout Tolerance"));
        Assert.Equal(YesNo(ps.PredictiveFailSupport), One("FRU Power Supply Predictive Fail Support"));
        Assert.Equal(YesNo(ps.PowerFactorCorrection), One("FRU Power Supply Power Factor Correction Supported"));
        Assert.Equal(YesNo(ps.Autoswitch), One("FRU Power Supply AutoSwitch Supprt"));
        Assert.Equal(YesNo(ps.HotSwap), One("FRU Power Supply Hot Swap Support"));
        Assert.Equal($"{ps.PeakCapacityWatts} Watts", One("FRU Power Supply Peak Capacity"));
        Assert.Equal($"{ps.HoldUpTimeSeconds} s", One("FRU Power Supply Hold Up Time"));
        Assert.Equal("12V", One("FRU Power Supply Voltage 1"));
        Assert.Equal("-12V", One("FRU Power Supply Voltage 2"));
        Assert.Equal($"{ps.TotalCombinedWatts} Watts", One("FRU Power Supply Total Combined Wattage"));

        var dc = Assert.IsType<FruDcOutput>(records[1].Content);
        Assert.Equal(dc.OutputNumber.ToString(CultureInfo.InvariantCulture), One("FRU DC Output Output Number"));
        Assert.Equal(YesNo(dc.Standby), One("FRU DC Output Output on Standy"));
        Assert.Equal($"{dc.NominalMillivolts} mV", One("FRU DC Output Nominal Voltage"));
        Assert.Equal($"{dc.MaxNegativeDeviationMillivolts} mV", One("FRU DC Output Maximum Negative Voltage Deviation"));
        Assert.Equal($"{dc.MaxPositiveDeviationMillivolts} mV", One("FRU DC Output Maximum Positive Voltage Deviation"));
        Assert.Equal($"{dc.RippleNoiseMillivolts} mV", One("FRU DC Output Ripple and Noise pk-pk"));
        Assert.Equal($"{dc.MinCurrentMilliamps} mA", One("FRU DC Output Minimum Current Draw"));
        Assert.Equal($"{dc.MaxCurrentMilliamps} mA", One("FRU DC Output Maximum Current Draw"));

        var load = Assert.IsType<FruDcLoad>(records[2].Content);
        Assert.Equal(load.OutputNumber.ToString(CultureInfo.InvariantCulture), One("FRU DC Load Output Number"));
        Assert.Equal($"{load.NominalMillivolts} mV", One("FRU DC Load Nominal Voltage"));
        Assert.Equal($"{load.MinVoltageMillivolts} mV", One("FRU DC Load Spec'd Minimum Voltage"));
        Assert.Equal($"{load.MaxVoltageMillivolts} mV", One("FRU DC Load Spec'd Maximum Voltage"));
        Assert.Equal($"{load.RippleNoiseMillivolts} mV", One("FRU DC Load Spec'd Ripple and Noise pk-pk"));
        Assert.Equal($"{load.MinCurrentMilliamps} mA", One("FRU DC Load Minimum Current Load"));
        Assert.Equal($"{load.MaxCurrentMilliamps} mA", One("FRU DC Load Maximum Current Load"));

        var access = Assert.IsType<FruManagementAccess>(records[3].Content);
        Assert.Equal(access.Text, One($"FRU Management Access {access.SubRecordName}"));
    }

    [Fact]
    public async Task A_bad_board_checksum_is_reported_on_the_board_alone_where_ipmitool_prints_the_damage_silently()
    {
        // Device 1 (fru.emu): device 0's image with one bit flipped in the board manufacturer name.
        var reader = new FruReader(_bmc.Send, new FruChunkSizes(), _bmc.Sim.ToString());
        var strict = (await reader.ReadAsync(1, null, CancellationToken.None)).Inventory;
        var lenient = (await reader.ReadAsync(1, new FruDecodeOptions(Lenient: true), CancellationToken.None)).Inventory;
        var tool = Pairs(await _bmc.IpmiToolAsync("fru", "print", "1"), " : ");

        Assert.False(strict.Board!.Status.ChecksumOk);
        Assert.Equal("checksum mismatch", strict.Board.Status.Error);
        Assert.Null(strict.Board.Manufacturer);
        Assert.Equal([new FruProblem("board", "checksum mismatch")], strict.Problems);
        Assert.Equal("Sim Server 1000", strict.Product!.ProductName!.Text);
        Assert.Equal(4, strict.MultiRecord!.Records.Count);
        // ipmitool does not check info-area checksums: it prints the flipped bit as text. Lenient mode shows the same
        // text but still says the checksum failed.
        Assert.Equal(Assert.Single(tool, p => p.Key == "Board Mfg").Value, lenient.Board!.Manufacturer!.Text);
        Assert.Equal("HpmiRpc Labs", lenient.Board.Manufacturer.Text);
        Assert.False(lenient.Board.Status.ChecksumOk);
    }

    private static string YesNo(bool value) => value ? "Yes" : "No";
}
