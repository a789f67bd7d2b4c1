using CsCheck;
using IpmiRpc.Core.Commands.App;
using IpmiRpc.Core.Commands.Storage;
using IpmiRpc.Core.Fru;
using IpmiRpc.Core.Sel;
using IpmiRpc.Core.Tests.Fru;

namespace IpmiRpc.Core.Tests.Sel;

/// <summary>SEL, FRU and user decoders on arbitrary bytes: a result or <see cref="IpmiDecodeException"/>; FRU never throws.</summary>
public class SelFruPropertyTests
{
    public static TheoryData<string> Decoders => new(DecoderTable.Keys);

    private static readonly SelTimeContext Context = new(1000, DateTimeOffset.UnixEpoch.AddYears(50), SelTimeCorrection.All);

    private static readonly Dictionary<string, Action<byte[]>> DecoderTable = new()
    {
        ["GetSelInfo"] = b => GetSelInfo.Instance.Decode(b),
        ["GetSelAllocationInfo"] = b => GetSelAllocationInfo.Instance.Decode(b),
        ["ReserveSel"] = b => ReserveSel.Instance.Decode(b),
        ["GetSelEntry"] = b => new GetSelEntry(0, 0).Decode(b),
        ["ClearSel"] = b => new ClearSel(0, ClearSelOperation.GetErasureStatus).Decode(b),
        ["GetSelTime"] = b => GetSelTime.Instance.Decode(b),
        ["GetFruInventoryAreaInfo"] = b => new GetFruInventoryAreaInfo(0).Decode(b),
        ["ReadFruData"] = b => new ReadFruData(0, 0, 1).Decode(b),
        ["GetUserAccess"] = b => new GetUserAccess(1, 1).Decode(b),
        ["GetUserName"] = b => new GetUserName(1).Decode(b),
        ["SelRecord"] = b => SelRecordDecoder.Decode(b, Context),
    };

    [Theory]
    [MemberData(nameof(Decoders))]
    public void Random_bytes_decode_or_raise_IpmiDecodeException(string decoder)
    {
        var decode = DecoderTable[decoder];
        Gen.Byte.Array[0, 40].Sample(bytes =>
        {
            try
            {
                decode(bytes);
            }
            catch (IpmiDecodeException)
            {
            }
        }, iter: 3000);
    }

    [Fact]
    public void Every_SEL_record_type_and_event_decodes()
    {
        Gen.Byte.Array[16].Sample(bytes => SelRecordDecoder.Decode(bytes, Context).Raw.SequenceEqual(bytes), iter: 5000);
    }

    [Fact]
    public void FRU_decoding_never_throws_on_random_images()
    {
        Gen.Byte.Array[0, 600].Select(Gen.Bool).Sample((bytes, lenient) =>
        {
            var fru = FruDecoder.Decode(bytes, new FruDecodeOptions(lenient));
            return fru.Raw.Length == bytes.Length;
        }, iter: 3000);
    }

    [Fact]
    public void FRU_decoding_never_throws_on_corrupted_or_cut_fixture_images()
    {
        var image = FruFixture.Image;
        Gen.Select(Gen.Int[0, image.Length - 1].Array[1, 8], Gen.Byte.Array[8], Gen.Int[0, image.Length], Gen.Bool)
            .Sample((positions, values, length, lenient) =>
            {
                var copy = image.ToArray();
                for (var i = 0; i < positions.Length; i++)
                    copy[positions[i]] = values[i];
                var fru = FruDecoder.Decode(copy.AsSpan(0, length), new FruDecodeOptions(lenient));
                return fru.Raw.Length == length;
            }, iter: 5000);
    }
}
