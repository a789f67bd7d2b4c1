using IpmiRpc.Core.Commands.App;

namespace IpmiRpc.Host.Methods;

/// <summary>Decoded BMC-level commands.</summary>
public static class BmcMethods
{
    public static async Task<object?> GetDeviceIdAsync(RpcCall call)
    {
        var response = await call.Send(GetDeviceId.CreateRequest(), call.CancellationToken).ConfigureAwait(false);
        response.EnsureSuccess(GetDeviceId.NetFn, GetDeviceId.Command);
        return GetDeviceId.Decode(response.Data.Span);
    }
}
