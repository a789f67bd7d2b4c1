using System.Reflection;
using IpmiRpc.Core.Targets;
using IpmiRpc.Host.Methods.Declarations;
using IpmiRpc.Transports.Cim;
using IpmiRpc.Transports.Lan;
using IpmiRpc.Transports.OpenIpmi;

namespace IpmiRpc.Host.Targets;

/// <summary>
/// The target record of each transport (declared in its transport assembly). The resolver binds targets with them and
/// the schema's <c>Target</c> (hence the wrappers' target options) is generated from them.
/// </summary>
public static class TargetCatalog
{
    public const string TransportField = "transport";

    /// <summary>Every transport's record, in the order a target's transport is inferred from its fields.</summary>
    public static IReadOnlyList<TargetKind> All { get; } =
    [
        TargetKind.Of(typeof(LanPlusTarget)),
        TargetKind.Of(typeof(CimTarget)),
        TargetKind.Of(typeof(OpenIpmiTarget)),
    ];

    public static TargetKind For(string transport) => All.First(k => k.Transport == transport);
}

/// <summary>One transport's target record with its binder.</summary>
public sealed record TargetKind(string Transport, string? InferredFrom, Type RecordType)
{
    public ParamBinder Binder => ParamBinder.For(RecordType);

    public static TargetKind Of(Type recordType)
    {
        var attribute = recordType.GetCustomAttribute<TargetTransportAttribute>()
            ?? throw new InvalidOperationException($"{recordType.Name} has no [TargetTransport]");
        return new TargetKind(attribute.Transport, attribute.InferredFrom, recordType);
    }
}
