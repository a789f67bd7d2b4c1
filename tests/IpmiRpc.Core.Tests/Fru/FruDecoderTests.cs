using IpmiRpc.Core.Fru;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Core.Tests.Fru;

public class FruDecoderTests
{
    [Fact]
    public void The_fixture_decodes_field_for_field_as_fru_gen_wrote_it()
    {
        var fru = FruDecoder.Decode(FruFixture.Image);

        Assert.Empty(fru.Problems);
        Assert.True(fru.Header!.ChecksumOk);
        Assert.Equal(1, fru.Header.FormatVersion);
        Assert.Equal(new byte[] { 0xDE, 0xAD, 0xBE, 0xEF, 0, 0, 0 }, fru.InternalUse!.Data);

        var chassis = fru.Chassis!;
        Assert.True(chassis.Status.ChecksumOk);
        Assert.Equal("Rack Mount Chassis", chassis.ChassisTypeName);
        Assert.Equal("CHS-PART-0042", chassis.PartNumber!.Text);
        Assert.Equal(FruFieldEncoding.SixBitAscii, chassis.SerialNumber!.Encoding);
        Assert.Equal("CSN12345", chassis.SerialNumber.Text);
        Assert.Equal(["chassis-extra", "1234-56 "], chassis.Custom.Select(f => f.Text));
        Assert.Equal(FruFieldEncoding.BcdPlus, chassis.Custom[1].Encoding);

        var board = fru.Board!;
        Assert.Equal(new DateTimeOffset(2024, 3, 15, 12, 34, 0, TimeSpan.Zero), board.ManufacturedAt);
        Assert.Equal("IpmiRpc Labs", board.Manufacturer!.Text);
        Assert.Equal("Test Mainboard", board.ProductName!.Text);
        Assert.Equal("BSN0001A", board.SerialNumber!.Text);
        Assert.Equal("BRD-7", board.PartNumber!.Text);
        Assert.Equal(FruFieldEncoding.Binary, board.FruFileId!.Encoding);
        Assert.Equal(new byte[] { 1, 2 }, board.FruFileId.Data);
        Assert.Equal(["rev B"], board.Custom.Select(f => f.Text));

        var product = fru.Product!;
        Assert.Equal("Sim Server 1000", product.ProductName!.Text);
        Assert.Equal("SS-1000", product.PartModelNumber!.Text);
        Assert.Equal("1.2", product.Version!.Text);
        Assert.Equal("PSN-000123", product.SerialNumber!.Text);
        Assert.Equal("ASSET-77", product.AssetTag!.Text);
        Assert.Equal("", product.FruFileId!.Text);
        Assert.Equal(["prod-extra"], product.Custom.Select(f => f.Text));

        var records = fru.MultiRecord!.Records;
        Assert.Equal([0x00, 0x01, 0x02, 0x03], records.Select(r => (int)r.TypeId));
        Assert.All(records, r => Assert.True(r.HeaderChecksumOk && r.RecordChecksumOk));
        Assert.True(records[^1].EndOfList);
        var ps = Assert.IsType<FruPowerSupply>(records[0].Content);
        Assert.Equal((800, 65535, 30, 10), (ps.CapacityWatts, ps.PeakVa, ps.InrushCurrentAmps, ps.InrushIntervalMs));
        Assert.Equal((90000, 264000, 47, 63), (ps.LowInputVoltage1Millivolts, ps.HighInputVoltage1Millivolts, ps.LowInputFrequencyHz, ps.HighInputFrequencyHz));
        Assert.Equal((false, true, true, true, true), (ps.PredictiveFailSupport, ps.PowerFactorCorrection, ps.Autoswitch, ps.HotSwap, ps.TwoPulsesOrActiveHigh));
        Assert.Equal((900, 2, 750), (ps.PeakCapacityWatts, ps.HoldUpTimeSeconds, ps.TotalCombinedWatts));
        Assert.Equal((FruCombinedVoltage.Plus12V, FruCombinedVoltage.Minus12V), (ps.CombinedVoltage1, ps.CombinedVoltage2));
        var dc = Assert.IsType<FruDcOutput>(records[1].Content);
        Assert.Equal((1, true, 12000, -600, 600, 120, 100, 41000),
            (dc.OutputNumber, dc.Standby, dc.NominalMillivolts, dc.MaxNegativeDeviationMillivolts, dc.MaxPositiveDeviationMillivolts, dc.RippleNoiseMillivolts, dc.MinCurrentMilliamps, dc.MaxCurrentMilliamps));
        var load = Assert.IsType<FruDcLoad>(records[2].Content);
        Assert.Equal((2, 3300, 3140, 3460, 50, 0, 10000),
            (load.OutputNumber, load.NominalMillivolts, load.MinVoltageMillivolts, load.MaxVoltageMillivolts, load.RippleNoiseMillivolts, load.MinCurrentMilliamps, load.MaxCurrentMilliamps));
        var access = Assert.IsType<FruManagementAccess>(records[3].Content);
        Assert.Equal(("System Management URL", "http://bmc.example/"), (access.SubRecordName, access.Text));
    }

    [Fact]
    public void A_bad_board_checksum_empties_the_board_in_strict_mode_and_only_flags_it_in_lenient_mode()
    {
        var image = FruFixture.Image.ToArray();
        var board = image[3] * 8;
        image[board + 10] ^= 0x01; // one bit in the manufacturer name

        var strict = FruDecoder.Decode(image);
        var lenient = FruDecoder.Decode(image, new FruDecodeOptions(Lenient: true));

        Assert.False(strict.Board!.Status.ChecksumOk);
        Assert.Equal("checksum mismatch", strict.Board.Status.Error);
        Assert.Null(strict.Board.Manufacturer);
        Assert.Equal("Test Mainboard", lenient.Board!.ProductName!.Text);
        Assert.False(lenient.Board.Status.ChecksumOk);
        Assert.Contains(lenient.Problems, p => p.Area == "board");
        // The other areas are untouched by the board's failure.
        Assert.True(strict.Product!.Status.ChecksumOk);
        Assert.Equal("Sim Server 1000", strict.Product.ProductName!.Text);
        Assert.Equal(4, strict.MultiRecord!.Records.Count);
    }

    [Fact]
    public void The_skipFruChecks_quirk_decodes_areas_with_bad_checksums_as_lenient_mode_does()
    {
        // A BMC that writes correct fields under wrong checksums (FreeIPMI skipchecks: Dell R610/R710): the board and
        // the multi-record area's first record fail their checksums by one bit.
        var image = FruFixture.Image.ToArray();
        image[(image[3] * 8) + 10] ^= 0x01;
        image[(image[5] * 8) + 5] ^= 0x01; // first data byte of the first multi-record (past its 5-byte header)

        var plain = FruDecoder.Decode(image);
        var quirked = FruDecoder.Decode(image, new FruDecodeOptions(Quirks: BmcQuirks.SkipFruChecks));

        Assert.Null(plain.Board!.Manufacturer);
        Assert.Equal("Test Mainboard", quirked.Board!.ProductName!.Text);
        Assert.False(quirked.Board.Status.ChecksumOk);
        Assert.Contains(quirked.Problems, p => p.Area == "board");
        Assert.Null(plain.MultiRecord!.Records[0].Content);
        Assert.NotNull(quirked.MultiRecord!.Records[0].Content);
        Assert.False(quirked.MultiRecord.Records[0].RecordChecksumOk);
        Assert.Equal(FruDecoder.Decode(image, new FruDecodeOptions(Lenient: true)).Board!.ProductName!.Text, quirked.Board.ProductName.Text);
    }

    [Fact]
    public void A_truncated_image_reports_the_cut_areas_and_keeps_the_whole_ones()
    {
        var image = FruFixture.Image;
        var productOffset = image[4] * 8;
        var cut = FruDecoder.Decode(image.AsSpan(0, productOffset + 10));

        Assert.Equal("Test Mainboard", cut.Board!.ProductName!.Text);
        Assert.StartsWith("truncated", cut.Product!.Status.Error, StringComparison.Ordinal);
        Assert.Contains(cut.Problems, p => p.Area == "product");
        Assert.Contains(cut.Problems, p => p.Area == "multiRecord");
        Assert.Empty(cut.MultiRecord!.Records);
    }

    [Fact]
    public void A_bad_header_checksum_stops_strict_decoding_only()
    {
        var image = FruFixture.Image.ToArray();
        image[7] ^= 0xFF;
        Assert.Null(FruDecoder.Decode(image).Board);
        Assert.Contains(FruDecoder.Decode(image).Problems, p => p.Area == "header");
        Assert.Equal("Test Mainboard", FruDecoder.Decode(image, new FruDecodeOptions(true)).Board!.ProductName!.Text);
        Assert.Single(FruDecoder.Decode([1, 2, 3]).Problems);
    }

    [Theory]
    [InlineData("29DC", "IPM")]                // FRU spec §13.1 6-bit example: "IPM" = 29h DCh A6h (first 2 bytes hold 2 chars)
    [InlineData("29DCA6", "IPMI")]
    public void Six_bit_ascii_packs_four_characters_in_three_bytes(string hex, string expected)
    {
        Assert.StartsWith(expected[..2], FruFieldCodec.DecodeSixBitAscii(Convert.FromHexString(hex)), StringComparison.Ordinal);
        if (hex.Length == 6)
            Assert.Equal(expected, FruFieldCodec.DecodeSixBitAscii(Convert.FromHexString(hex)));
    }

    [Fact]
    public void Text_is_latin1_in_english_and_utf16le_otherwise()
    {
        Assert.Equal("Café", FruFieldCodec.Decode(0xC4, [0x43, 0x61, 0x66, 0xE9], 0).Text);
        Assert.Equal("Café", FruFieldCodec.Decode(0xC4, [0x43, 0x61, 0x66, 0xE9], 25).Text);
        var utf16 = FruFieldCodec.Decode(0xC6, "日本語"u8.Length == 9 ? [0xE5, 0x65, 0x2C, 0x67, 0x9E, 0x8A] : [], 0x23);
        Assert.Equal(FruFieldEncoding.Utf16Le, utf16.Encoding);
        Assert.Equal("日本語", utf16.Text);
        Assert.Equal("12.3-4 ?", FruFieldCodec.DecodeBcdPlus([0x12, 0xC3, 0xB4, 0xAF]));
    }

    [Fact]
    public void An_unset_manufacturing_date_is_null()
    {
        var image = FruFixture.Image.ToArray();
        var board = image[3] * 8;
        // Zero the date and fix the checksum so only the date changes.
        var delta = image[board + 3] + image[board + 4] + image[board + 5];
        image[board + 3] = image[board + 4] = image[board + 5] = 0;
        var end = board + image[board + 1] * 8 - 1;
        image[end] = (byte)(image[end] + delta);

        var fru = FruDecoder.Decode(image);
        Assert.True(fru.Board!.Status.ChecksumOk);
        Assert.Null(fru.Board.ManufacturedAt);
        Assert.Equal(0u, fru.Board.ManufacturedMinutes);
    }
}
