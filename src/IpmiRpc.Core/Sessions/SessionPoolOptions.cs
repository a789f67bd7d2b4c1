namespace IpmiRpc.Core.Sessions;

public sealed record SessionPoolOptions
{
    /// <summary>Most sessions kept open to one target identity (BMCs cap sessions per user; ipmi_sim at 63 in all).</summary>
    public int MaxSessionsPerTarget { get; init; } = 2;

    /// <summary>Requests in flight on one session before the pool opens another (up to the cap).</summary>
    public int MaxInFlightPerSession { get; init; } = 16;

    /// <summary>
    /// After an extra session to a target failed to open while others to it work, requests queue on those for this
    /// long before the pool tries to open another.
    /// </summary>
    public TimeSpan GrowthRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A session unused this long is closed by the scavenger.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A session this old serves no new request: the next one re-authenticates, so a changed password or a disabled
    /// user stops working within this time even for clients that keep the pool busy.
    /// </summary>
    public TimeSpan MaxSessionAge { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// After an open failed, the next open to that target waits this long; requests arriving meanwhile wait for it
    /// within their own deadlines. A dead BMC is probed once per period, not once per request, and a BMC that comes
    /// back is found within it (failing fast instead would keep failing requests to a BMC that is already up).
    /// </summary>
    public TimeSpan FailedOpenBackoff { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the scavenger looks for idle sessions.</summary>
    public TimeSpan ScavengeInterval { get; init; } = TimeSpan.FromSeconds(10);
}
