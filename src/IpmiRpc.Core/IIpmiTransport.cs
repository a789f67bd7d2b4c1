using IpmiRpc.Core.Targets;

namespace IpmiRpc.Core;

/// <summary>A transport family (lanplus, openipmi, cim) that can open sessions to targets it understands.</summary>
public interface IIpmiTransport
{
    /// <summary>The <c>transport</c> value of a target this family serves.</summary>
    string Name { get; }

    /// <summary>Opens (authenticates, if the wire needs it) a session to the target.</summary>
    Task<IIpmiSession> OpenAsync(IpmiTarget target, CancellationToken cancellationToken);
}
