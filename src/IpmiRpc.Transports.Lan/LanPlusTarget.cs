using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Text;
using IpmiRpc.Core;
using IpmiRpc.Core.Targets;
using IpmiRpc.Transports.Lan.Wire;

namespace IpmiRpc.Transports.Lan;

/// <summary>A BMC over the network through RMCP+ (IPMI v2.0 lanplus): the fields, limits, defaults and secrets of such a target.</summary>
// [MinLength]/[MaxLength] are read as declarations (their Length) by the host's binder and schema generator; their
// reflection-based IsValid, which is what trimming could break, is never called.
#pragma warning disable IL2026
[TargetTransport(IpmiTarget.LanPlus, InferredFrom = "host")]
public sealed record LanPlusTarget : TargetDeclaration
{
    /// <summary>IPMI v2.0 §13.31: RAKP passwords and the BMC key (Kg) are up to 20 bytes.</summary>
    public const int MaxKeyBytes = 20;

    [Description("BMC address or name.")]
    [Required]
    [MinLength(1)]
    [MaxLength(253)]
    public string Host { get; init; } = "";

    [Range(1, 65535)]
    [DefaultValue(623)]
    public int Port { get; init; } = 623;

    [Description("Empty = anonymous/null user.")]
    [MaxBytes(Rakp1.MaxUsernameLength)]
    [MaxLength(256)]
    public string? Username { get; init; }

    [Description("Prefer passwordEnv/passwordFile or a --targets file so secrets stay out of the pipe.")]
    [Secret]
    [SecretSource("password", SecretSourceKind.Text, MaxBytes = MaxKeyBytes)]
    [MaxLength(1024)]
    public string? Password { get; init; }

    [Description("Name of an environment variable of the ipmirpc process holding the password.")]
    [SecretSource("password", SecretSourceKind.Environment, MaxBytes = MaxKeyBytes)]
    [MaxLength(256)]
    public string? PasswordEnv { get; init; }

    [Description("Path of a file holding the password.")]
    [SecretSource("password", SecretSourceKind.File, MaxBytes = MaxKeyBytes)]
    public string? PasswordFile { get; init; }

    [Description("BMC key (Kg) as text.")]
    [Secret]
    [SecretSource("kg", SecretSourceKind.Text, MaxBytes = MaxKeyBytes)]
    [MaxLength(1024)]
    public string? Kg { get; init; }

    [Description("BMC key (Kg) as hex.")]
    [Secret]
    [SecretSource("kg", SecretSourceKind.Hex, MaxBytes = MaxKeyBytes)]
    [MaxLength(1024)]
    public string? KgHex { get; init; }

    [Description("Environment variable holding the Kg as text.")]
    [SecretSource("kg", SecretSourceKind.Environment, MaxBytes = MaxKeyBytes)]
    [MaxLength(256)]
    public string? KgEnv { get; init; }

    [Description("File holding the Kg as text (one trailing newline ignored).")]
    [SecretSource("kg", SecretSourceKind.File, MaxBytes = MaxKeyBytes)]
    public string? KgFile { get; init; }

    [Description("RMCP+ cipher suite; omitted: ask the BMC and prefer 17, then 3. 0 needs allowInsecure.")]
    [Range(0, 255)]
    public int? CipherSuite { get; init; }

    [DefaultValue(LanPlusPrivilege.Administrator)]
    public LanPlusPrivilege Privilege { get; init; } = LanPlusPrivilege.Administrator;

    [Description("Allow cipher suite 0 and IPMI 1.5 none/straight authentication.")]
    [DefaultValue(false)]
    public bool AllowInsecure { get; init; }

    /// <summary>
    /// Control characters are refused (a NUL cut the name short in the resolver, so "127.0.0.1\u0000.allowed.example"
    /// reached 127.0.0.1), and so are addresses that are not one BMC: multicast, broadcast, unspecified. A name is
    /// checked by the transport once it resolves.
    /// </summary>
    public override void Validate()
    {
        if (Host.Any(char.IsControl))
        {
            throw new IpmiInvalidArgumentException("host", "must not contain control characters");
        }

        var literal = Host.Length > 2 && Host[0] == '[' && Host[^1] == ']' ? Host[1..^1] : Host;
        if (IPAddress.TryParse(literal, out var address) && !UnicastAddress.Is(address))
        {
            throw new IpmiInvalidArgumentException("host", "must be a unicast address (not multicast, broadcast or unspecified)");
        }
    }

    public override IpmiTarget ToTarget(Func<string, Secret?> secret) => new()
    {
        Transport = IpmiTarget.LanPlus,
        Host = Host,
        Port = Port,
        Username = Username ?? "",
        Password = secret("password"),
        Kg = secret("kg"),
        CipherSuite = CipherSuite,
        Privilege = (PrivilegeLevel)Privilege,
        TimeoutMs = TimeoutMs,
        Retries = Retries,
        AllowInsecure = AllowInsecure,
        FreshSession = FreshSession,
        Quirks = QuirkFlags,
    };

    /// <summary>
    /// What the transport checks again before a packet leaves, for callers that build an <see cref="IpmiTarget"/>
    /// without this record: the same limits and the same kind of error (an invalid argument, -32602 in the host).
    /// </summary>
    internal static void CheckResolved(IpmiTarget target)
    {
        if (string.IsNullOrWhiteSpace(target.Host))
        {
            throw new IpmiInvalidArgumentException("target.host", "required for a lanplus target");
        }

        if (Encoding.UTF8.GetByteCount(target.Username) > Rakp1.MaxUsernameLength)
        {
            throw new IpmiInvalidArgumentException("target.username", $"must be at most {Rakp1.MaxUsernameLength} bytes");
        }

        if (target.Password is { Length: > MaxKeyBytes })
        {
            throw new IpmiInvalidArgumentException("target.password", $"the secret must be at most {MaxKeyBytes} bytes");
        }

        if (target.Kg is { Length: > MaxKeyBytes })
        {
            throw new IpmiInvalidArgumentException("target.kg", $"the secret must be at most {MaxKeyBytes} bytes");
        }

        if (target.TimeoutMs <= 0)
        {
            throw new IpmiInvalidArgumentException("target.timeoutMs", "must be positive");
        }

        if (target.Retries < 0)
        {
            throw new IpmiInvalidArgumentException("target.retries", "must not be negative");
        }
    }
}

/// <summary>The session privilege a lanplus target asks for (IPMI v2.0 §6.8; the values are <see cref="PrivilegeLevel"/>'s).</summary>
public enum LanPlusPrivilege : byte
{
    Callback = PrivilegeLevel.Callback,
    User = PrivilegeLevel.User,
    Operator = PrivilegeLevel.Operator,
    Administrator = PrivilegeLevel.Administrator,
}
