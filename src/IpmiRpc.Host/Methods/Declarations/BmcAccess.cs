namespace IpmiRpc.Host.Methods.Declarations;

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
