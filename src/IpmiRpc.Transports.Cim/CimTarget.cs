using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Transports.Cim;

/// <summary>A Windows computer's BMC through CIM (<c>Microsoft_IPMI</c>): the fields, defaults and secrets of such a target.</summary>
// [MinLength]/[MaxLength] are read as declarations (their Length) by the host's binder and schema generator; their
// reflection-based IsValid, which is what trimming could break, is never called.
#pragma warning disable IL2026
[TargetTransport(IpmiTarget.Cim, InferredFrom = "computerName")]
public sealed record CimTarget : TargetDeclaration
{
    [Description("Remote computer; omitted = local.")]
    [MaxLength(253)]
    public string? ComputerName { get; init; }

    [Description("Session protocol.")]
    public CimSessionProtocol? Protocol { get; init; }

    // A Windows account name (DOMAIN\user) is not bound by RMCP+'s 16-byte user name.
    [Description("Windows account (DOMAIN\\user) for a remote computer.")]
    [MaxLength(256)]
    public string? Username { get; init; }

    [Description("Prefer passwordEnv/passwordFile or a --targets file so secrets stay out of the pipe.")]
    [Secret]
    [SecretSource("password", SecretSourceKind.Text)]
    [MaxLength(1024)]
    public string? Password { get; init; }

    [Description("Name of an environment variable of the ipmirpc process holding the password.")]
    [SecretSource("password", SecretSourceKind.Environment)]
    [MaxLength(256)]
    public string? PasswordEnv { get; init; }

    [Description("Path of a file holding the password.")]
    [SecretSource("password", SecretSourceKind.File)]
    public string? PasswordFile { get; init; }

    public override IpmiTarget ToTarget(Func<string, Secret?> secret) => new()
    {
        Transport = IpmiTarget.Cim,
        ComputerName = ComputerName,
        Protocol = Protocol switch
        {
            CimSessionProtocol.Wsman => "wsman",
            CimSessionProtocol.Dcom => "dcom",
            _ => null,
        },
        Username = Username ?? "",
        Password = secret("password"),
        TimeoutMs = TimeoutMs,
        Retries = Retries,
        FreshSession = FreshSession,
        Quirks = QuirkFlags,
    };
}

/// <summary>The CIM session protocol.</summary>
public enum CimSessionProtocol
{
    Wsman,
    Dcom,
}
