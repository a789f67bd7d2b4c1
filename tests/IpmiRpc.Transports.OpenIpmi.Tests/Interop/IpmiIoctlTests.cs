using System.Globalization;
using System.Runtime.InteropServices;
using IpmiRpc.TestSupport;
using IpmiRpc.Transports.OpenIpmi.Interop;

namespace IpmiRpc.Transports.OpenIpmi.Tests.Interop;

public class IpmiIoctlTests
{
    [Fact]
    public void Struct_sizes_match_the_x86_64_kernel_abi()
    {
        Assert.Equal(16, Marshal.SizeOf<IpmiMsg>());
        Assert.Equal(40, Marshal.SizeOf<IpmiReq>());
        Assert.Equal(48, Marshal.SizeOf<IpmiRecv>());
        Assert.Equal(8, Marshal.SizeOf<IpmiSystemInterfaceAddr>());
        Assert.Equal(8, Marshal.SizeOf<IpmiIpmbAddr>());
    }

    /// <summary>
    /// Compiles a probe against the installed &lt;linux/ipmi.h&gt; and holds every size, offset and ioctl number we
    /// hard-code against what the C compiler says.
    /// </summary>
    [Fact]
    public async Task Layout_and_ioctl_numbers_match_linux_ipmi_h()
    {
        var gcc = Require.Tool("gcc");
        Assert.True(File.Exists("/usr/include/linux/ipmi.h"), "linux/ipmi.h missing: install linux-libc-dev (" + Require.InstallHint + ")");
        var dir = Directory.CreateTempSubdirectory("ipmi-abi-");
        try
        {
            var source = Path.Combine(dir.FullName, "abi.c");
            await File.WriteAllTextAsync(source, """
                #include <stdio.h>
                #include <stddef.h>
                #include <sys/ioctl.h>
                #include <linux/ipmi.h>
                #define P(name, value) printf("%s=%lu\n", name, (unsigned long)(value))
                int main(void) {
                    P("sizeof.ipmi_msg", sizeof(struct ipmi_msg));
                    P("sizeof.ipmi_req", sizeof(struct ipmi_req));
                    P("sizeof.ipmi_recv", sizeof(struct ipmi_recv));
                    P("sizeof.ipmi_system_interface_addr", sizeof(struct ipmi_system_interface_addr));
                    P("sizeof.ipmi_ipmb_addr", sizeof(struct ipmi_ipmb_addr));
                    P("ipmi_msg.netfn", offsetof(struct ipmi_msg, netfn));
                    P("ipmi_msg.cmd", offsetof(struct ipmi_msg, cmd));
                    P("ipmi_msg.data_len", offsetof(struct ipmi_msg, data_len));
                    P("ipmi_msg.data", offsetof(struct ipmi_msg, data));
                    P("ipmi_req.addr", offsetof(struct ipmi_req, addr));
                    P("ipmi_req.addr_len", offsetof(struct ipmi_req, addr_len));
                    P("ipmi_req.msgid", offsetof(struct ipmi_req, msgid));
                    P("ipmi_req.msg", offsetof(struct ipmi_req, msg));
                    P("ipmi_recv.recv_type", offsetof(struct ipmi_recv, recv_type));
                    P("ipmi_recv.addr", offsetof(struct ipmi_recv, addr));
                    P("ipmi_recv.addr_len", offsetof(struct ipmi_recv, addr_len));
                    P("ipmi_recv.msgid", offsetof(struct ipmi_recv, msgid));
                    P("ipmi_recv.msg", offsetof(struct ipmi_recv, msg));
                    P("ipmi_system_interface_addr.addr_type", offsetof(struct ipmi_system_interface_addr, addr_type));
                    P("ipmi_system_interface_addr.channel", offsetof(struct ipmi_system_interface_addr, channel));
                    P("ipmi_system_interface_addr.lun", offsetof(struct ipmi_system_interface_addr, lun));
                    P("ipmi_ipmb_addr.addr_type", offsetof(struct ipmi_ipmb_addr, addr_type));
                    P("ipmi_ipmb_addr.channel", offsetof(struct ipmi_ipmb_addr, channel));
                    P("ipmi_ipmb_addr.slave_addr", offsetof(struct ipmi_ipmb_addr, slave_addr));
                    P("ipmi_ipmb_addr.lun", offsetof(struct ipmi_ipmb_addr, lun));
                    P("IPMICTL_SEND_COMMAND", IPMICTL_SEND_COMMAND);
                    P("IPMICTL_RECEIVE_MSG_TRUNC", IPMICTL_RECEIVE_MSG_TRUNC);
                    P("IPMICTL_GET_MY_ADDRESS_CMD", IPMICTL_GET_MY_ADDRESS_CMD);
                    P("IPMI_SYSTEM_INTERFACE_ADDR_TYPE", IPMI_SYSTEM_INTERFACE_ADDR_TYPE);
                    P("IPMI_IPMB_ADDR_TYPE", IPMI_IPMB_ADDR_TYPE);
                    P("IPMI_BMC_CHANNEL", IPMI_BMC_CHANNEL);
                    P("IPMI_MAX_ADDR_SIZE", IPMI_MAX_ADDR_SIZE);
                    P("IPMI_RESPONSE_RECV_TYPE", IPMI_RESPONSE_RECV_TYPE);
                    return 0;
                }
                """);
            var exe = Path.Combine(dir.FullName, "abi");
            var build = await ProcessRunner.RunAsync(gcc, [source, "-o", exe], timeout: TimeSpan.FromSeconds(60));
            Assert.True(build.Succeeded, build.ToString());
            var run = await ProcessRunner.RunAsync(exe, [], timeout: TimeSpan.FromSeconds(10));
            Assert.True(run.Succeeded, run.ToString());
            var c = run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split('='))
                .ToDictionary(p => p[0], p => ulong.Parse(p[1], CultureInfo.InvariantCulture));

            var ours = new Dictionary<string, ulong>
            {
                ["sizeof.ipmi_msg"] = (ulong)Marshal.SizeOf<IpmiMsg>(),
                ["sizeof.ipmi_req"] = (ulong)Marshal.SizeOf<IpmiReq>(),
                ["sizeof.ipmi_recv"] = (ulong)Marshal.SizeOf<IpmiRecv>(),
                ["sizeof.ipmi_system_interface_addr"] = (ulong)Marshal.SizeOf<IpmiSystemInterfaceAddr>(),
                ["sizeof.ipmi_ipmb_addr"] = (ulong)Marshal.SizeOf<IpmiIpmbAddr>(),
                ["ipmi_msg.netfn"] = Offset<IpmiMsg>(nameof(IpmiMsg.NetFn)),
                ["ipmi_msg.cmd"] = Offset<IpmiMsg>(nameof(IpmiMsg.Cmd)),
                ["ipmi_msg.data_len"] = Offset<IpmiMsg>(nameof(IpmiMsg.DataLen)),
                ["ipmi_msg.data"] = Offset<IpmiMsg>(nameof(IpmiMsg.Data)),
                ["ipmi_req.addr"] = Offset<IpmiReq>(nameof(IpmiReq.Addr)),
                ["ipmi_req.addr_len"] = Offset<IpmiReq>(nameof(IpmiReq.AddrLen)),
                ["ipmi_req.msgid"] = Offset<IpmiReq>(nameof(IpmiReq.MsgId)),
                ["ipmi_req.msg"] = Offset<IpmiReq>(nameof(IpmiReq.Msg)),
                ["ipmi_recv.recv_type"] = Offset<IpmiRecv>(nameof(IpmiRecv.RecvType)),
                ["ipmi_recv.addr"] = Offset<IpmiRecv>(nameof(IpmiRecv.Addr)),
                ["ipmi_recv.addr_len"] = Offset<IpmiRecv>(nameof(IpmiRecv.AddrLen)),
                ["ipmi_recv.msgid"] = Offset<IpmiRecv>(nameof(IpmiRecv.MsgId)),
                ["ipmi_recv.msg"] = Offset<IpmiRecv>(nameof(IpmiRecv.Msg)),
                ["ipmi_system_interface_addr.addr_type"] = Offset<IpmiSystemInterfaceAddr>(nameof(IpmiSystemInterfaceAddr.AddrType)),
                ["ipmi_system_interface_addr.channel"] = Offset<IpmiSystemInterfaceAddr>(nameof(IpmiSystemInterfaceAddr.Channel)),
                ["ipmi_system_interface_addr.lun"] = Offset<IpmiSystemInterfaceAddr>(nameof(IpmiSystemInterfaceAddr.Lun)),
                ["ipmi_ipmb_addr.addr_type"] = Offset<IpmiIpmbAddr>(nameof(IpmiIpmbAddr.AddrType)),
                ["ipmi_ipmb_addr.channel"] = Offset<IpmiIpmbAddr>(nameof(IpmiIpmbAddr.Channel)),
                ["ipmi_ipmb_addr.slave_addr"] = Offset<IpmiIpmbAddr>(nameof(IpmiIpmbAddr.SlaveAddr)),
                ["ipmi_ipmb_addr.lun"] = Offset<IpmiIpmbAddr>(nameof(IpmiIpmbAddr.Lun)),
                ["IPMICTL_SEND_COMMAND"] = IpmiIoctl.SendCommand,
                ["IPMICTL_RECEIVE_MSG_TRUNC"] = IpmiIoctl.ReceiveMessageTrunc,
                ["IPMICTL_GET_MY_ADDRESS_CMD"] = IpmiIoctl.GetMyAddress,
                ["IPMI_SYSTEM_INTERFACE_ADDR_TYPE"] = IpmiIoctl.SystemInterfaceAddrType,
                ["IPMI_IPMB_ADDR_TYPE"] = IpmiIoctl.IpmbAddrType,
                ["IPMI_BMC_CHANNEL"] = (ulong)IpmiIoctl.BmcChannel,
                ["IPMI_MAX_ADDR_SIZE"] = IpmiIoctl.MaxAddressSize,
                ["IPMI_RESPONSE_RECV_TYPE"] = IpmiIoctl.ResponseRecvType,
            };

            Assert.Equal(c.Keys.Order(StringComparer.Ordinal), ours.Keys.Order(StringComparer.Ordinal));
            foreach (var (name, value) in c)
            {
                Assert.True(ours[name] == value, $"{name}: ours {ours[name]}, <linux/ipmi.h> {value}");
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static ulong Offset<T>(string field) => (ulong)Marshal.OffsetOf<T>(field);
}
