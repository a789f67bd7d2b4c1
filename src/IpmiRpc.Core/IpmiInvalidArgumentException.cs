namespace IpmiRpc.Core;

/// <summary>
/// A caller-supplied value the core refuses before talking to the BMC (bad address, string too long, unknown
/// parameter name). The host maps it to JSON-RPC -32602 with <c>data: {field, reason}</c>.
/// </summary>
public sealed class IpmiInvalidArgumentException : ArgumentException
{
    public IpmiInvalidArgumentException(string field, string reason)
        : base($"{field}: {reason}", field)
    {
        Field = field;
        Reason = reason;
    }

    /// <summary>The parameter path as the caller wrote it, e.g. <c>ipAddress</c> or <c>values.systemName</c>.</summary>
    public string Field { get; }

    public string Reason { get; }
}
