using IpmiRpc.Core;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Transports.Lan;

// Placeholder until the transport lands: the host can register it and clients get a clear -32002.
public sealed class LanPlusTransport : IIpmiTransport
{
    public string Name => "lanplus";

    public Task<IIpmiSession> OpenAsync(IpmiTarget target, CancellationToken cancellationToken) =>
        throw new TransportUnavailableException(Name, "The lanplus transport is not implemented yet", "Use another transport");
}
