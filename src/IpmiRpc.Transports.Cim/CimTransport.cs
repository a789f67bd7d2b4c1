using IpmiRpc.Core;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Transports.Cim;

// Placeholder until the transport lands: the host can register it and clients get a clear -32002.
public sealed class CimTransport : IIpmiTransport
{
    public string Name => "cim";

    public Task<IIpmiSession> OpenAsync(IpmiTarget target, CancellationToken cancellationToken) =>
        throw new TransportUnavailableException(Name, "The cim transport is not implemented yet", "Use another transport");
}
