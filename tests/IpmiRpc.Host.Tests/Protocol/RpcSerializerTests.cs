using IpmiRpc.Core.BootOptions;
using IpmiRpc.Core.Commands.Chassis;
using IpmiRpc.Core.Configuration;
using IpmiRpc.Core.Lan;
using IpmiRpc.Core.Targets;
using IpmiRpc.Host.Protocol;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Tests.Protocol;

public class RpcSerializerTests
{
    public static TheoryData<object, string> CoreEnums => new()
    {
        // The strings Core's decoders returned before they returned enums: the wire must not change.
        { PowerRestorePolicy.AlwaysOff, "alwaysOff" },
        { PowerRestorePolicy.AlwaysOn, "alwaysOn" },
        { ChassisIdentifyState.Indefinite, "indefinite" },
        { SetInProgressState.InProgress, "inProgress" },
        { SetInProgressState.CommitWrite, "commitWrite" },
        { AuthType.Md2, "md2" },
        { AuthType.Password, "password" },
        { IpAddressSource.Dhcp, "dhcp" },
        { IpAddressSource.Unspecified, "unspecified" },
        { Ipv6AddressingMode.Ipv4Only, "ipv4Only" },
        { Ipv6AddressSource.Dhcpv6, "dhcpv6" },
        { Ipv6AddressSource.Slaac, "slaac" },
        { Ipv6AddressStatus.Deprecated, "deprecated" },
        { PrivilegeLevel.Administrator, "administrator" },
        { LanSetting.DefaultGatewayMac, "defaultGatewayMac" },
        { LanSetting.IpAddressSource, "ipAddressSource" },
        { BootDevice.DiskSafeMode, "diskSafeMode" },
    };

    [Theory]
    [MemberData(nameof(CoreEnums))]
    public void Core_enums_are_written_as_camelCase_strings(object value, string expected) =>
        Assert.Equal(expected, (string?)JToken.FromObject(value, RpcSerializer.Create()));

    private sealed record Flags(bool On, bool Off, int Small, int Negative, int Large, int Edge, byte Full, byte Zero, int? Maybe, string Name)
    {
        public int Derived => Small * 2;
    }

    private record Base(int Id);

    private sealed record Derived(int Id, bool Extra) : Base(Id);

    private readonly record struct Plain(int Count, bool Ready);

    [Fact]
    public void Flags_and_numbers_are_written_as_by_Newtonsofts_own_property_reading()
    {
        // Shared boxes are written by value: every value (cached or not, of each type) must read as its own number.
        var plain = Newtonsoft.Json.JsonSerializer.Create(new Newtonsoft.Json.JsonSerializerSettings
        {
            ContractResolver = new Newtonsoft.Json.Serialization.CamelCasePropertyNamesContractResolver(),
        });
        object[] results =
        [
            new Flags(true, false, 7, -1, 70_000, 4095, 255, 0, null, "a"),
            new Flags(false, true, 4096, int.MinValue, int.MaxValue, 0, 128, 1, 5, "b"),
            new Derived(12, true),
            new Plain(3, true),
            new[] { new Flags(true, true, 1, 2, 3, 4, 5, 6, 7, "c"), new Flags(false, false, 1, 2, 3, 4, 5, 6, 7, "d") },
        ];
        foreach (var result in results)
        {
            var expected = JToken.FromObject(result, plain).ToString(Newtonsoft.Json.Formatting.None);
            Assert.Equal(expected, JToken.FromObject(result, RpcSerializer.Create()).ToString(Newtonsoft.Json.Formatting.None));
            Assert.Equal(expected, System.Text.Encoding.UTF8.GetString(JsonBytes.Write(result, static (writer, r) => RpcSerializer.Create().Serialize(writer, r))));
        }
    }

    private sealed record Vendor(int ManufacturerId, int ProductId);

    [Fact]
    public async Task An_int_above_the_shared_boxes_is_written_as_its_own_value_whichever_value_another_thread_wrote_last()
    {
        // The box of a property's last value is reused for the same value only: values alternating between threads
        // (two BMCs' manufacturer ids) must each come out as themselves.
        var serializer = RpcSerializer.Create();
        var writers = Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                var id = 4_096 + ((worker + i) % 3 * 100_000);
                var json = JToken.FromObject(new Vendor(id, 70_000 + worker), serializer);
                Assert.Equal(id, (int)json["manufacturerId"]!);
                Assert.Equal(70_000 + worker, (int)json["productId"]!);
            }
        }));
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));
    }
}
