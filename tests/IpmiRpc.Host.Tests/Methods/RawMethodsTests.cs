using IpmiRpc.Core;
using Newtonsoft.Json.Linq;
using static IpmiRpc.Host.Tests.HostHarness;

namespace IpmiRpc.Host.Tests.Methods;

public sealed class RawMethodsTests
{
    /// <summary>Every param of ipmi.requestResponse with a wrong type or value → -32602 naming the field.</summary>
    public static TheoryData<string, string> BadParams => new()
    {
        { """{"netFn":6}""", "command" },
        { """{"command":1}""", "netFn" },
        { """{"command":1,"netFn":7}""", "netFn" },
        { """{"command":1,"netFn":64}""", "netFn" },
        { """{"command":1,"netFn":"6"}""", "netFn" },
        { """{"command":256,"netFn":6}""", "command" },
        { """{"command":-1,"netFn":6}""", "command" },
        { """{"command":true,"netFn":6}""", "command" },
        { """{"command":[1],"netFn":6}""", "command" },
        { """{"command":1.5,"netFn":6}""", "command" },
        { """{"command":"NoSuchCommand"}""", "command" },
        { """{"command":"GetDeviceId","netFn":10}""", "netFn" },
        { """{"command":1,"netFn":6,"lun":4}""", "lun" },
        { """{"command":1,"netFn":6,"lun":"0"}""", "lun" },
        { """{"command":1,"netFn":6,"responderAddress":256}""", "responderAddress" },
        { """{"command":1,"netFn":6,"responderAddress":{}}""", "responderAddress" },
        { """{"command":1,"netFn":6,"channel":16}""", "channel" },
        { """{"command":1,"netFn":6,"data":[1,2,3,256]}""", "data[3]" },
        { """{"command":1,"netFn":6,"data":[1,-1]}""", "data[1]" },
        { """{"command":1,"netFn":6,"data":["01"]}""", "data[0]" },
        { """{"command":1,"netFn":6,"data":"zz"}""", "data" },
        { """{"command":1,"netFn":6,"data":"123"}""", "data" },
        { """{"command":1,"netFn":6,"data":"0x100"}""", "data" },
        { """{"command":1,"netFn":6,"data":5}""", "data" },
        { """{"command":1,"netFn":6,"data":{}}""", "data" },
        { """{"command":1,"netFn":6,"timeoutMs":"100"}""", "timeoutMs" },
        { """{"command":1,"netFn":6,"timeoutMs":0}""", "timeoutMs" },
        { """{"command":1,"netFn":6,"target":5}""", "target" },
        { """{"command":1,"netFn":6,"target":"nope"}""", "target" },
        { """{"command":1,"netFn":6,"target":{"host":"x","port":70000}}""", "target.port" },
        { """{"command":1,"netFn":6,"extra":1}""", "extra" },
    };

    [Theory]
    [MemberData(nameof(BadParams))]
    public async Task Bad_param_is_32602_naming_the_field(string paramsJson, string field)
    {
        await using var host = Start();
        var response = await host.CallAsync("ipmi.requestResponse", JObject.Parse(paramsJson));
        AssertError(response, -32602, field: field);
        Assert.Empty(host.Transport.Requests);
        Assert.NotNull((await host.CallAsync("sessions.list"))["result"]);
    }

    [Fact]
    public async Task More_than_255_data_bytes_is_refused()
    {
        await using var host = Start();
        var response = await host.CallAsync("ipmi.requestResponse", new { command = 1, netFn = 6, data = Enumerable.Repeat(1, 256).ToArray() });
        AssertError(response, -32602, field: "data");
        response = await host.CallAsync("ipmi.requestResponse", new { command = 1, netFn = 6, data = new string('a', 512) });
        AssertError(response, -32602, field: "data");
    }

    public static TheoryData<string, byte[]> HexForms => new()
    {
        { "\"0102ff\"", new byte[] { 1, 2, 0xff } },
        { "\"01 02 ff\"", new byte[] { 1, 2, 0xff } },
        { "\"0x01 0x02 0xFF\"", new byte[] { 1, 2, 0xff } },
        { "\"0x0102\"", new byte[] { 1, 2 } },
        { "\"1 2 f\"", new byte[] { 1, 2, 0xf } },
        { "\"\"", Array.Empty<byte>() },
        { "[1,2,255]", new byte[] { 1, 2, 255 } },
        { "[]", Array.Empty<byte>() },
    };

    [Theory]
    [MemberData(nameof(HexForms))]
    public async Task Data_forms_reach_the_transport_as_bytes(string dataJson, byte[] expected)
    {
        await using var host = Start();
        var response = await host.CallAsync("ipmi.requestResponse", JObject.Parse("{\"command\":1,\"netFn\":6,\"data\":" + dataJson + "}"));
        Assert.NotNull(response["result"]);
        var request = Assert.Single(host.Transport.Requests);
        Assert.Equal(expected, request.Data.ToArray());
    }

    [Fact]
    public async Task Catalogue_name_derives_netFn_and_addressing_fields_pass_through()
    {
        var transport = new FakeTransport { Responder = (_, _) => Task.FromResult(new IpmiResponse(0, new byte[] { 0x00, 0xAB })) };
        await using var host = Start(transport);
        var response = await host.CallAsync("ipmi.requestResponse", new { command = "get device id", lun = 2, responderAddress = 0x72, channel = 6 });
        var result = response["result"]!;
        Assert.Equal(0, (int)result["completionCode"]!);
        Assert.Equal("Command completed normally", (string?)result["completionText"]);
        Assert.Equal(new[] { 0, 0xAB }, result["data"]!.ToObject<int[]>());
        Assert.Equal("00ab", (string?)result["hex"]);
        var request = Assert.Single(transport.Requests);
        Assert.Equal(0x06, request.NetFn);
        Assert.Equal(0x01, request.Command);
        Assert.Equal(2, request.Lun);
        Assert.Equal(0x72, request.ResponderAddress);
        Assert.Equal((byte?)6, request.Channel);
    }
}
