using IpmiRpc.Core;
using Microsoft.Management.Infrastructure;

namespace IpmiRpc.Transports.Cim.Tests;

public class MicrosoftIpmiTests
{
    [Fact]
    public void Arguments_carry_the_documented_names_CIM_types_and_CLR_values()
    {
        var request = new IpmiRequest(0x0A, 0x43, new byte[] { 0x00, 0x00, 0xFF, 0xFF, 0x00, 0xFF }, Lun: 2, ResponderAddress: 0x2C);

        var args = MicrosoftIpmi.BuildArguments(request).ToDictionary(a => a.Name);

        // Microsoft_IPMI.RequestResponse in-parameters (MOF): Command, Lun, NetworkFunction uint8; RequestData uint8[];
        // RequestDataSize uint32; ResponderAddress uint8.
        Assert.Equal(
            new[] { "Command", "Lun", "NetworkFunction", "RequestData", "RequestDataSize", "ResponderAddress" },
            args.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((CimType.UInt8, (object)(byte)0x43), (args["Command"].Type, args["Command"].Value));
        Assert.Equal((CimType.UInt8, (object)(byte)2), (args["Lun"].Type, args["Lun"].Value));
        Assert.Equal((CimType.UInt8, (object)(byte)0x0A), (args["NetworkFunction"].Type, args["NetworkFunction"].Value));
        Assert.Equal((CimType.UInt8, (object)(byte)0x2C), (args["ResponderAddress"].Type, args["ResponderAddress"].Value));
        Assert.Equal(CimType.UInt8Array, args["RequestData"].Type);
        Assert.Equal(new byte[] { 0x00, 0x00, 0xFF, 0xFF, 0x00, 0xFF }, Assert.IsType<byte[]>(args["RequestData"].Value));
        Assert.Equal((CimType.UInt32, (object)6u), (args["RequestDataSize"].Type, args["RequestDataSize"].Value));
    }

    [Fact]
    public void Empty_request_data_is_an_empty_array_with_size_zero()
    {
        var args = MicrosoftIpmi.BuildArguments(new IpmiRequest(0x06, 0x01, ReadOnlyMemory<byte>.Empty)).ToDictionary(a => a.Name);

        Assert.Empty(Assert.IsType<byte[]>(args["RequestData"].Value));
        Assert.Equal(0u, args["RequestDataSize"].Value);
        Assert.Equal((byte)0x20, args["ResponderAddress"].Value);
        Assert.Equal((byte)0, args["Lun"].Value);
    }

    [Fact]
    public void Request_data_is_copied_not_aliased()
    {
        var buffer = new byte[] { 1, 2, 3, 4 };
        var args = MicrosoftIpmi.BuildArguments(new IpmiRequest(0x06, 0x52, buffer.AsMemory(1, 2))).ToDictionary(a => a.Name);

        buffer[1] = 0x99;

        Assert.Equal(new byte[] { 2, 3 }, args["RequestData"].Value);
        Assert.Equal(2u, args["RequestDataSize"].Value);
    }

    [Fact]
    public void Completion_code_byte_at_the_start_of_ResponseData_is_stripped_once()
    {
        // Get Device ID as the driver returns it: ResponseData = CC + 15 data bytes, ResponseDataSize counts the CC.
        byte[] deviceId = [0x20, 0x81, 0x05, 0x02, 0x02, 0xBF, 0x57, 0x01, 0x00, 0x21, 0x00, 0x00, 0x00, 0x00, 0x00];
        var response = MicrosoftIpmi.ParseResponse(FakeCimGatewayFactory.OutParameters(0x00, [0x00, .. deviceId], 16));

        Assert.Equal(0, response.CompletionCode);
        Assert.Equal(deviceId, response.Data.ToArray());
    }

    [Fact]
    public void A_data_byte_equal_to_the_completion_code_is_kept()
    {
        // Guards against stripping "every leading 00": only the one CC byte goes.
        var response = MicrosoftIpmi.ParseResponse(FakeCimGatewayFactory.OutParameters(0x00, [0x00, 0x00, 0x00, 0x07], 4));

        Assert.Equal(new byte[] { 0x00, 0x00, 0x07 }, response.Data.ToArray());
    }

    [Fact]
    public void Non_zero_completion_code_is_returned_with_the_data_after_it()
    {
        var response = MicrosoftIpmi.ParseResponse(FakeCimGatewayFactory.OutParameters(0xC1, [0xC1], 1));

        Assert.Equal(0xC1, response.CompletionCode);
        Assert.False(response.IsSuccess);
        Assert.Empty(response.Data.ToArray());
        var ex = Assert.Throws<CompletionCodeException>(() => response.EnsureSuccess(0x06, 0x99));
        Assert.Equal(IpmiErrorKind.CompletionCode, ex.Kind);
    }

    [Fact]
    public void Completion_code_mismatch_with_first_ResponseData_byte_is_a_decode_error()
    {
        var ex = Assert.Throws<IpmiDecodeException>(() =>
            MicrosoftIpmi.ParseResponse(FakeCimGatewayFactory.OutParameters(0x00, [0xC9, 0x01], 2)));

        Assert.Contains("0xC9", ex.Message, StringComparison.Ordinal);
        Assert.Equal(IpmiErrorKind.MalformedResponse, ex.Kind);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Empty_or_missing_ResponseData_gives_the_completion_code_and_no_data(bool nullData)
    {
        var response = MicrosoftIpmi.ParseResponse(FakeCimGatewayFactory.OutParameters(0xD4, nullData ? null : [], nullData ? null : 0u));

        Assert.Equal(0xD4, response.CompletionCode);
        Assert.True(response.Data.IsEmpty);
    }

    [Fact]
    public void ResponseDataSize_bounds_a_longer_array()
    {
        // A provider may hand back a fixed-size buffer; only ResponseDataSize bytes are real.
        var response = MicrosoftIpmi.ParseResponse(FakeCimGatewayFactory.OutParameters(0x00, [0x00, 0x11, 0x22, 0xEE, 0xEE], 3));

        Assert.Equal(new byte[] { 0x11, 0x22 }, response.Data.ToArray());
    }

    [Fact]
    public void ResponseDataSize_beyond_the_array_is_a_decode_error() =>
        Assert.Throws<IpmiDecodeException>(() =>
            MicrosoftIpmi.ParseResponse(FakeCimGatewayFactory.OutParameters(0x00, [0x00, 0x11], 9)));

    [Fact]
    public void Missing_ResponseDataSize_uses_the_whole_array()
    {
        var response = MicrosoftIpmi.ParseResponse(new Dictionary<string, object?>
        {
            ["CompletionCode"] = (byte)0,
            ["ResponseData"] = new byte[] { 0x00, 0x42 },
        });

        Assert.Equal(new byte[] { 0x42 }, response.Data.ToArray());
    }

    [Fact]
    public void Missing_CompletionCode_is_a_decode_error() =>
        Assert.Throws<IpmiDecodeException>(() =>
            MicrosoftIpmi.ParseResponse(new Dictionary<string, object?> { ["ResponseData"] = new byte[] { 0x00 } }));

    [Fact]
    public void Values_in_wider_integer_types_and_other_name_casing_are_accepted()
    {
        // Over DCOM a VARIANT may arrive as VT_I4 rather than VT_UI1; names are case-insensitive in WMI.
        var response = MicrosoftIpmi.ParseResponse(new Dictionary<string, object?>
        {
            ["completioncode"] = 0,
            ["RESPONSEDATA"] = new int[] { 0, 0x51, 0x02 },
            ["responseDataSize"] = 3L,
        });

        Assert.Equal(0, response.CompletionCode);
        Assert.Equal(new byte[] { 0x51, 0x02 }, response.Data.ToArray());
    }

    [Theory]
    [InlineData(256)]
    [InlineData(-1)]
    public void Out_of_range_completion_code_is_a_decode_error(int value) =>
        Assert.Throws<IpmiDecodeException>(() => MicrosoftIpmi.ParseResponse(new Dictionary<string, object?>
        {
            ["CompletionCode"] = value,
            ["ResponseData"] = new byte[] { 0x00 },
        }));

    [Fact]
    public void ResponseData_of_the_wrong_type_is_a_decode_error() =>
        Assert.Throws<IpmiDecodeException>(() => MicrosoftIpmi.ParseResponse(new Dictionary<string, object?>
        {
            ["CompletionCode"] = (byte)0,
            ["ResponseData"] = "00 01",
        }));
}
