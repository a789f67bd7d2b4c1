using IpmiRpc.Core;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Transports.Cim;

/// <summary>How the CimSession reaches the CIM server.</summary>
internal enum CimProtocol
{
    /// <summary>Not given: local in-process session, WS-Management for a remote computer (as New-CimSession does).</summary>
    Default,
    WsMan,
    Dcom,
}

/// <summary>
/// Everything needed to open one CimSession, taken from a <c>cim</c> target. <see cref="ToString"/> and
/// <see cref="Describe"/> never show the password.
/// </summary>
internal sealed class CimConnectionOptions
{
    /// <summary>Null: the local computer.</summary>
    public string? ComputerName { get; init; }

    public CimProtocol Protocol { get; init; }

    /// <summary>"user", "DOMAIN\user" or "user@domain"; empty for the caller's own identity.</summary>
    public string Username { get; init; } = "";

    public Secret? Password { get; init; }

    /// <summary>Timeout of one CIM operation (connect, enumerate, invoke).</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public bool IsLocal => ComputerName is null;

    public bool HasCredentials => Username.Length > 0 || Password is not null;

    public string DisplayName => ComputerName ?? "localhost";

    public string ProtocolName => Protocol switch
    {
        CimProtocol.WsMan => "wsman",
        CimProtocol.Dcom => "dcom",
        _ => IsLocal && !HasCredentials ? "local" : "wsman",
    };

    public static CimConnectionOptions FromTarget(IpmiTarget target)
    {
        var protocol = target.Protocol?.Trim().ToLowerInvariant() switch
        {
            null or "" => CimProtocol.Default,
            "wsman" or "ws-man" or "winrm" => CimProtocol.WsMan,
            "dcom" => CimProtocol.Dcom,
            var other => throw new TransportUnavailableException(
                IpmiTarget.Cim,
                $"Unknown cim protocol '{other}'",
                "Use protocol \"wsman\" (WS-Management, the default for a remote computer) or \"dcom\""),
        };

        var computer = target.ComputerName?.Trim();
        if (string.IsNullOrEmpty(computer) || computer == ".")
        {
            computer = null;
        }

        if (target.Password is not null && string.IsNullOrEmpty(target.Username))
        {
            throw new IpmiAuthenticationException(IpmiTarget.Cim, "A cim target with a password needs a username");
        }

        // CIM has no retransmits: give one operation the whole budget the target allows for an answer.
        var timeoutMs = Math.Max(1, target.TimeoutMs) * (long)(Math.Max(0, target.Retries) + 1);

        return new CimConnectionOptions
        {
            ComputerName = computer,
            Protocol = protocol,
            Username = target.Username ?? "",
            Password = target.Password,
            OperationTimeout = TimeSpan.FromMilliseconds(Math.Min(timeoutMs, int.MaxValue)),
        };
    }

    /// <summary>Splits "DOMAIN\user" into its parts; "user@domain" and "user" keep an empty domain (as NetworkCredential does).</summary>
    public (string Domain, string User) SplitUsername()
    {
        var slash = Username.IndexOf('\\', StringComparison.Ordinal);
        return slash < 0 ? ("", Username) : (Username[..slash], Username[(slash + 1)..]);
    }

    public override string ToString() =>
        $"cim://{(Username.Length == 0 ? "" : Username + "@")}{DisplayName} ({ProtocolName})";
}
