namespace IpmiRpc.Core;

/// <summary>
/// A caller-supplied value the core refuses before talking to the BMC (bad address, string too long, out-of-range
/// number). A front end maps <see cref="Field"/> to its own name for the value (the JSON-RPC host: -32602 with
/// <c>data: {field, reason}</c>, the field camelCased or mapped to its param path).
/// </summary>
public sealed class IpmiInvalidArgumentException : ArgumentException
{
    public IpmiInvalidArgumentException(string field, string reason)
        : base($"{field}: {reason}", field)
    {
        Field = field;
        Reason = reason;
    }

    /// <summary>The refused value's Core-level name: the member of the input it came from, e.g.
    /// <c>nameof(LanConfigurationChange.VlanId)</c>, or the parameter it is for, e.g. <c>nameof(SystemInfoParameter.SystemName)</c>.</summary>
    public string Field { get; }

    public string Reason { get; }
}
