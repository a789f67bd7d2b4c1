using IpmiRpc.Core;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Transports.OpenIpmi;

/// <summary>
/// In-band IPMI through the Linux kernel driver's character device (what <c>ipmitool -I open</c> uses): no BMC
/// credentials, but root (or access to the device node) is needed.
/// </summary>
public sealed class OpenIpmiTransport : IIpmiTransport
{
    /// <summary>Where the device node appears: udev's default, then the devfs-style names older setups use.</summary>
    public static readonly IReadOnlyList<string> DefaultDevices = ["/dev/ipmi0", "/dev/ipmi/0", "/dev/ipmidev/0"];

    internal const string ModuleHint = "load the kernel modules: modprobe ipmi_si ipmi_devintf (or ipmi_ssif)";

    private readonly IReadOnlyList<string> _candidates;

    public OpenIpmiTransport() : this(DefaultDevices) { }

    internal OpenIpmiTransport(IReadOnlyList<string> candidates) => _candidates = candidates;

    public string Name => IpmiTarget.OpenIpmi;

    public Task<IIpmiSession> OpenAsync(IpmiTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        cancellationToken.ThrowIfCancellationRequested();
        if (!OperatingSystem.IsLinux())
        {
            throw new TransportUnavailableException(
                Name,
                "The openipmi transport needs the Linux kernel IPMI driver",
                "on Windows use transport 'cim'; to reach a BMC over the network use 'lanplus'");
        }

        var path = ResolveDevice(target.Device, _candidates, File.Exists)
            ?? throw NoDevice("no IPMI device found (looked for " + string.Join(", ", _candidates) + ")");
        var device = LinuxIpmiDevice.Open(path);
        return Task.FromResult<IIpmiSession>(new OpenIpmiSession(device, target));
    }

    /// <summary>The configured device as given (its absence is reported by open); otherwise the first candidate that exists.</summary>
    internal static string? ResolveDevice(string? configured, IReadOnlyList<string> candidates, Func<string, bool> exists) =>
        !string.IsNullOrEmpty(configured) ? configured : candidates.FirstOrDefault(exists);

    internal static TransportUnavailableException NoDevice(string detail) =>
        new(IpmiTarget.OpenIpmi, "No in-band IPMI device: " + detail, ModuleHint);
}
