using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Transports.OpenIpmi;

/// <summary>The local BMC in-band through the Linux OpenIPMI driver: the fields and defaults of such a target.</summary>
// [MinLength]/[MaxLength] are read as declarations (their Length) by the host's binder and schema generator; their
// reflection-based IsValid, which is what trimming could break, is never called.
#pragma warning disable IL2026
[TargetTransport(IpmiTarget.OpenIpmi, InferredFrom = "device")]
public sealed record OpenIpmiTarget : TargetDeclaration
{
    public const string DefaultDevice = "/dev/ipmi0";

    [Description("Device path.")]
    [MinLength(1)]
    [MaxLength(4096)]
    [DefaultValue(DefaultDevice)]
    public string Device { get; init; } = DefaultDevice;

    public override IpmiTarget ToTarget(Func<string, Secret?> secret) => new()
    {
        Transport = IpmiTarget.OpenIpmi,
        Device = Device,
        TimeoutMs = TimeoutMs,
        Retries = Retries,
        FreshSession = FreshSession,
        Quirks = QuirkFlags,
    };
}
