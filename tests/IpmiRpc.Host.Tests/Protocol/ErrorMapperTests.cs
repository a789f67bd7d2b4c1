using IpmiRpc.Core;
using IpmiRpc.Core.Lan;
using IpmiRpc.Host.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace IpmiRpc.Host.Tests.Protocol;

public class ErrorMapperTests
{
    private static readonly ErrorMapper Mapper = new(RpcSerializer.Create(), NullLogger.Instance);

    [Theory]
    // The codes the schema's ErrorObject and the wrappers know; Core's kinds no longer carry them.
    [InlineData(IpmiErrorKind.CompletionCode, -32001)]
    [InlineData(IpmiErrorKind.TransportUnavailable, -32002)]
    [InlineData(IpmiErrorKind.AuthenticationFailed, -32003)]
    [InlineData(IpmiErrorKind.Timeout, -32004)]
    [InlineData(IpmiErrorKind.PermissionDenied, -32005)]
    [InlineData(IpmiErrorKind.InsecureConfiguration, -32006)]
    [InlineData(IpmiErrorKind.NotSupported, -32007)]
    [InlineData(IpmiErrorKind.MalformedResponse, -32008)]
    public void Each_error_kind_keeps_its_JSON_RPC_code(IpmiErrorKind kind, int code) =>
        Assert.Equal(code, JsonRpcErrorCodes.For(kind));

    [Fact]
    public void Every_error_kind_has_a_code_of_its_own()
    {
        var codes = Enum.GetValues<IpmiErrorKind>().Select(JsonRpcErrorCodes.For).ToList();
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.DoesNotContain(JsonRpcErrorCodes.InternalError, codes);
    }

    [Fact]
    public void A_completion_code_keeps_its_details_as_data()
    {
        var error = Mapper.Map(new CompletionCodeException(0x80, 0x0C, 0x02, [0x11]), "lan.getConfiguration").ToJson();
        Assert.Equal(-32001, (int)error["code"]!);
        Assert.Equal(0x80, (int)error["data"]!["completionCode"]!);
        Assert.Equal("Parameter not supported", (string?)error["data"]!["completionText"]);
    }

    [Theory]
    // Core names a refused value by its C# member; the param it came from is that name in camelCase.
    [InlineData(nameof(LanConfigurationChange.VlanId), "vlanId")]
    [InlineData(nameof(LanConfigurationChange.DefaultGatewayMac), "defaultGatewayMac")]
    [InlineData(nameof(IpmiRequest.Channel), "channel")]
    [InlineData("values.systemName", "values.systemName")]
    public void Invalid_arguments_are_32602_with_the_param_name(string coreField, string param)
    {
        var error = Mapper.Map(new IpmiInvalidArgumentException(coreField, "must be 0–7"), "lan.setConfiguration").ToJson();
        Assert.Equal(-32602, (int)error["code"]!);
        Assert.Equal(param, (string?)error["data"]!["field"]);
        Assert.Equal("must be 0–7", (string?)error["data"]!["reason"]);
    }
}
