namespace IpmiRpc.Core;

/// <summary>Base of every error the core and transports raise on purpose. Messages never carry secrets.</summary>
public abstract class IpmiException : Exception
{
    protected IpmiException(string message, Exception? inner = null) : base(message, inner) { }

    public abstract IpmiErrorKind Kind { get; }

    /// <summary>Structured, secret-free details (a front end passes them on, e.g. as the JSON-RPC error's <c>data</c>).</summary>
    public virtual IReadOnlyDictionary<string, object?> Details => new Dictionary<string, object?>();
}

/// <summary>The BMC answered with a non-zero completion code.</summary>
public sealed class CompletionCodeException : IpmiException
{
    public CompletionCodeException(byte completionCode, byte netFn, byte command, byte[] data, string? hint = null)
        : base($"BMC returned completion code 0x{completionCode:X2}: {CompletionCodes.Describe(completionCode, netFn, command)}")
    {
        CompletionCode = completionCode;
        NetFn = netFn;
        Command = command;
        ResponseData = data;
        Hint = hint;
    }

    /// <summary>What the client can do about it, when known (e.g. another tool holds a lock).</summary>
    public string? Hint { get; }

    public byte CompletionCode { get; }
    public byte NetFn { get; }
    public byte Command { get; }
    public byte[] ResponseData { get; }
    public string CompletionText => CompletionCodes.Describe(CompletionCode, NetFn, Command);
    public override IpmiErrorKind Kind => IpmiErrorKind.CompletionCode;

    public override IReadOnlyDictionary<string, object?> Details
    {
        get
        {
            var details = new Dictionary<string, object?>
            {
                ["completionCode"] = (int)CompletionCode,
                ["completionText"] = CompletionText,
                ["netFn"] = (int)NetFn,
                ["command"] = (int)Command,
                ["data"] = ResponseData.Select(b => (int)b).ToArray(),
            };
            if (Hint is not null)
            {
                details["hint"] = Hint;
            }

            return details;
        }
    }
}

public sealed class TransportUnavailableException(string transport, string message, string hint, Exception? inner = null)
    : IpmiException(message, inner)
{
    public string Transport { get; } = transport;
    public string Hint { get; } = hint;
    public override IpmiErrorKind Kind => IpmiErrorKind.TransportUnavailable;
    public override IReadOnlyDictionary<string, object?> Details => new Dictionary<string, object?> { ["transport"] = Transport, ["hint"] = Hint };
}

/// <param name="refusedByBmc">
/// The BMC said no (an RMCP+ status such as "unauthorized name", a CIM access denial): it may count that against the
/// account. False for a mismatch only this side noticed (a key exchange code that does not verify: a wrong password or a
/// corrupted packet), after which the handshake stops before the BMC could count a failed login.
/// </param>
public sealed class IpmiAuthenticationException(string transport, string message, bool refusedByBmc = false) : IpmiException(message)
{
    public string Transport { get; } = transport;

    public bool RefusedByBmc { get; } = refusedByBmc;
    public override IpmiErrorKind Kind => IpmiErrorKind.AuthenticationFailed;
    public override IReadOnlyDictionary<string, object?> Details => new Dictionary<string, object?> { ["transport"] = Transport };
}

public sealed class IpmiTimeoutException(string message, int timeoutMs, int retries) : IpmiException(message)
{
    public int TimeoutMs { get; } = timeoutMs;
    public int Retries { get; } = retries;
    public override IpmiErrorKind Kind => IpmiErrorKind.Timeout;
    public override IReadOnlyDictionary<string, object?> Details => new Dictionary<string, object?> { ["timeoutMs"] = TimeoutMs, ["retries"] = Retries };
}

public sealed class IpmiPermissionDeniedException(string message, Exception? inner = null) : IpmiException(message, inner)
{
    public override IpmiErrorKind Kind => IpmiErrorKind.PermissionDenied;
}

public sealed class InsecureConfigurationException(string message) : IpmiException(message)
{
    public override IpmiErrorKind Kind => IpmiErrorKind.InsecureConfiguration;
}

public sealed class IpmiNotSupportedException(string message) : IpmiException(message)
{
    public override IpmiErrorKind Kind => IpmiErrorKind.NotSupported;
}

/// <summary>
/// A response that cannot be trusted or parsed: too short, bad integrity, wrong session. The one decode exception
/// every codec throws.
/// </summary>
public sealed class IpmiDecodeException : IpmiException
{
    public IpmiDecodeException(string message) : base(message) { }

    public override IpmiErrorKind Kind => IpmiErrorKind.MalformedResponse;

    /// <summary>Throws unless <paramref name="actual"/> is at least <paramref name="expected"/> bytes.</summary>
    public static void ThrowIfShorter(ReadOnlySpan<byte> actual, int expected, string what)
    {
        if (actual.Length < expected)
        {
            throw new IpmiDecodeException($"{what}: {actual.Length} bytes, expected at least {expected}");
        }
    }
}
