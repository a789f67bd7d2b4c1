using IpmiRpc.Core;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Methods;

/// <summary>How a request uses its BMC, for the per-BMC write order (see <c>BmcOrdering</c>).</summary>
public enum BmcAccess
{
    /// <summary>Does not talk to a BMC (sessions.list, rpc.discover, …): never waits.</summary>
    None,

    /// <summary>Reads only: runs alongside other reads, after any earlier write.</summary>
    Read,

    /// <summary>Changes the BMC: runs alone, after every earlier request to that BMC.</summary>
    Write,
}

/// <summary>Every JSON-RPC method, one line each. Add a method: see Methods/README.md.</summary>
public static class MethodRegistry
{
    // The methods that change a BMC. ipmi.requestResponse counts as one unless its command only reads.
    private static readonly HashSet<string> Mutating = new(StringComparer.Ordinal)
    {
        "lan.setConfiguration",
        "systemInfo.set",
    };

    private static readonly HashSet<string> Reading = new(StringComparer.Ordinal)
    {
        "bmc.getDeviceId",
        "lan.getConfiguration",
        "systemInfo.get",
    };

    private const string RawMethod = "ipmi.requestResponse";

    public static MethodTable RegisterAll(MethodTable table)
    {
        table.Add(RawMethod, RawMethods.RequestResponseAsync);
        table.Add("bmc.getDeviceId", BmcMethods.GetDeviceIdAsync);
        table.Add("sessions.list", SessionMethods.ListAsync);
        table.Add("sessions.close", SessionMethods.CloseAsync);
        table.Add("lan.getConfiguration", LanMethods.GetConfigurationAsync);
        table.Add("lan.setConfiguration", LanMethods.SetConfigurationAsync);
        table.Add("systemInfo.get", SystemInfoMethods.GetAsync);
        table.Add("systemInfo.set", SystemInfoMethods.SetAsync);
        table.Add("rpc.discover", DiscoverMethods.DiscoverAsync);
        return table;
    }

    /// <summary>Whether <paramref name="method"/> with these params reads or changes its BMC, or talks to none.</summary>
    public static BmcAccess AccessOf(string method, JObject? parameters)
    {
        if (Mutating.Contains(method))
        {
            return BmcAccess.Write;
        }

        if (Reading.Contains(method))
        {
            return BmcAccess.Read;
        }

        return method == RawMethod
            ? (IsReadOnlyCommand(parameters) ? BmcAccess.Read : BmcAccess.Write)
            : BmcAccess.None;
    }

    /// <summary>
    /// A raw command is read-only when it is a standard "Get …" command (not Get Message, which dequeues); anything
    /// else — Set/Clear/Reserve commands, OEM numbers, params that do not parse — is ordered as a write.
    /// </summary>
    private static bool IsReadOnlyCommand(JObject? parameters)
    {
        CommandInfo? info = parameters?["command"] switch
        {
            JValue { Type: JTokenType.String } name => CommandCatalogue.TryGet((string)name!, out var named) ? named : null,
            // Value is long, or BigInteger for integers beyond it: never cast those (this runs on the read loop).
            JValue { Value: long number } when parameters["netFn"] is JValue { Value: long netFn }
                && number is >= 0 and <= 255 && netFn is >= 0 and <= 0x3F
                => CommandCatalogue.Find((byte)netFn, (byte)number),
            _ => null,
        };
        return info is { Name: var commandName }
               && commandName.StartsWith("Get", StringComparison.Ordinal)
               && commandName != "GetMessage";
    }
}
