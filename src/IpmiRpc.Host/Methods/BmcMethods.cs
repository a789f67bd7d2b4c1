using IpmiRpc.Core;
using IpmiRpc.Core.Commands.App;

namespace IpmiRpc.Host.Methods;

/// <summary>Decoded BMC-level commands.</summary>
public static class BmcMethods
{
    public static async Task<object?> GetDeviceIdAsync(RpcCall call) =>
        await call.Send.ExecuteAsync(new GetDeviceId(), call.CancellationToken).ConfigureAwait(false);
}
