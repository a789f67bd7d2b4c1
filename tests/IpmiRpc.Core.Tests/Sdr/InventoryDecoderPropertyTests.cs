using CsCheck;
using IpmiRpc.Core.Commands.SensorEvent;
using IpmiRpc.Core.Commands.Storage;
using IpmiRpc.Core.Sdr;
using IpmiRpc.Core.Sensors;

namespace IpmiRpc.Core.Tests.Sdr;

/// <summary>Every SDR/sensor decoder, fed arbitrary bytes, returns a result or throws <see cref="IpmiDecodeException"/> — nothing else.</summary>
public class InventoryDecoderPropertyTests
{
    public static TheoryData<string> Decoders => new(DecoderTable.Keys);

    private static readonly Dictionary<string, Action<byte[]>> DecoderTable = new()
    {
        ["GetSdrRepositoryInfo"] = b => GetSdrRepositoryInfo.Instance.Decode(b),
        ["ReserveSdrRepository"] = b => ReserveSdrRepository.Instance.Decode(b),
        ["GetSdr"] = b => new GetSdr(0, 0, 0, 0xFF).Decode(b),
        ["GetSensorReading"] = b => new GetSensorReading(1).Decode(b),
        ["GetSensorThreshold"] = b => new GetSensorThreshold(1).Decode(b),
        ["GetSensorReadingFactors"] = b => new GetSensorReadingFactors(1, 0).Decode(b),
        ["ConversionFactors"] = b => ConversionFactors.Decode(b),
        ["IdString"] = b => IdString.Decode(b),
        ["SdrRecord"] = b => SdrRecordDecoder.Decode(b),
        ["BmcIdentity"] = b => BmcIdentity.FromDeviceId(b),
        ["GetDeviceSdrInfo"] = b => new GetDeviceSdrInfo().Decode(b),
        ["GetDeviceSdr"] = b => new GetDeviceSdr(0, 0, 0, 0xFF).Decode(b),
        ["ReserveDeviceSdrRepository"] = b => ReserveDeviceSdrRepository.Instance.Decode(b),
    };

    [Theory]
    [MemberData(nameof(Decoders))]
    public void Random_bytes_decode_or_raise_IpmiDecodeException(string decoder)
    {
        var decode = DecoderTable[decoder];
        Gen.Byte.Array[0, 80].Sample(bytes =>
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

    [Theory]
    [InlineData(0x01)]
    [InlineData(0x02)]
    [InlineData(0x03)]
    [InlineData(0x10)]
    [InlineData(0x11)]
    [InlineData(0x12)]
    [InlineData(0xC0)]
    [InlineData(0x08)]
    public void Records_of_every_type_with_random_bodies_decode_leniently_without_throwing(byte type)
    {
        Gen.Byte.Array[0, 70].Sample(body =>
        {
            byte[] record = [0x01, 0x00, 0x51, type, (byte)body.Length, .. body];
            var decoded = SdrRecordDecoder.DecodeLenient(record);
            return decoded.Raw.SequenceEqual(record) && decoded.Header.RecordType == type;
        }, iter: 3000);
    }

    [Fact]
    public void Conversion_never_throws_and_returns_a_finite_value_or_null()
    {
        Gen.Select(Gen.Byte, Gen.Int[0, 3], Gen.Int[0, 0x7F], Gen.Byte.Array[6]).Sample((raw, format, linearization, factors) =>
        {
            var value = SensorReadingConverter.Convert(raw, (AnalogDataFormat)format, linearization, ConversionFactors.Decode(factors));
            return value is null || double.IsFinite(value.Value);
        }, iter: 5000);
    }

    [Fact]
    public void Cache_files_of_random_bytes_read_as_null()
    {
        Gen.Byte.Array[0, 200].Sample(bytes => SdrCacheFormat.TryDeserialize(bytes, 2) is null, iter: 3000);
    }

    [Fact]
    public void Units_and_discrete_states_name_any_code()
    {
        Gen.Select(Gen.Byte, Gen.Byte, Gen.Byte).Sample((units1, baseUnit, modifier) =>
        {
            var units = SensorUnits.Decode(units1, baseUnit, modifier);
            return units.Text.Length > 0 && units.Abbreviation.Length > 0;
        });
        Gen.Select(Gen.Byte, Gen.Byte, Gen.UShort).Sample((ert, type, bits) => DiscreteStates.Decode(ert, type, bits).All(s => s.Name.Length > 0));
    }
}
