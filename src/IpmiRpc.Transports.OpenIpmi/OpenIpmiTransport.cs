using IpmiRpc.Core;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Transports.OpenIpmi;

// Placeholder until the transport lands: the host can register it and clients get a clear -32002.
public sealed class OpenIpmiTransport : IIpmiTransport
{
    public string Name => "openipmi";

    public Task<IIpmiSession> OpenAsync(IpmiTarget target, CancellationToken cancellationToken) =>
        throw new TransportUnavailableException(Name, "The openipmi transport is not implemented yet", "Use another transport");
}
