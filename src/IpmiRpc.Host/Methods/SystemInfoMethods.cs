using IpmiRpc.Core;
using IpmiRpc.Core.SystemInfo;
using IpmiRpc.Host.Protocol;

namespace IpmiRpc.Host.Methods;

/// <summary><c>systemInfo.get</c> and <c>systemInfo.set</c>: the string parameters 1–7 of Get/Set System Info
/// Parameters (IPMI v2.0 §22.14a/b).</summary>
public static class SystemInfoMethods
{
    public static async Task<object?> GetAsync(RpcCall call)
    {
        var names = call.Params.OptionalStringArray("parameters", 16);
        try
        {
            return await SystemInfoService.GetAsync(call.Send, names?.ToArray(), call.CancellationToken).ConfigureAwait(false);
        }
        catch (IpmiInvalidArgumentException ex)
        {
            throw new RpcParamException(ex.Field, ex.Reason);
        }
    }

    public static async Task<object?> SetAsync(RpcCall call)
    {
        var values = call.Params.OptionalStringMap("values") ?? throw call.Params.Error("values", "required");
        if (values.Count == 0)
        {
            throw call.Params.Error("values", "must name at least one parameter");
        }

        var dryRun = call.Params.OptionalBool("dryRun") ?? false;
        try
        {
            return await SystemInfoService.SetAsync(call.Send, values, dryRun, call.CancellationToken).ConfigureAwait(false);
        }
        catch (IpmiInvalidArgumentException ex)
        {
            throw new RpcParamException(ex.Field, ex.Reason);
        }
    }
}
