namespace IpmiRpc.Core.Sessions;

public sealed record SessionPoolOptions
{
    /// <summary>
    /// Most sessions kept open to one target identity. One by default: some BMCs allow four sessions in all and
    /// others time out with a few dozen, while one session already pipelines requests (the lanplus window).
    /// </summary>
    public int MaxSessionsPerTarget { get; init; } = 1;

    /// <summary>Requests in flight on one session before the pool opens another (up to the cap).</summary>
    public int MaxInFlightPerSession { get; init; } = 16;

    /// <summary>
    /// After an extra session to a target failed to open while others to it work, requests queue on those for this
    /// long before the pool tries to open another.
    /// </summary>
    public TimeSpan GrowthRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A session unused this long is closed by the scavenger. A minute: long enough for the next task of a playbook,
    /// short enough that a shared server does not hold sessions (and send keepalives) to BMCs nobody uses any more.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A session this old serves no new request: the next one re-authenticates, so a changed password or a disabled
    /// user stops working within this time even for clients that keep the pool busy.
    /// </summary>
    public TimeSpan MaxSessionAge { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// After an open failed, the next open to that target waits this long; requests arriving meanwhile wait for it
    /// within their own deadlines. A dead BMC is probed once per period, not once per request, and a BMC that comes
    /// back is found within it (failing fast instead would keep failing requests to a BMC that is already up). An
    /// open whose settings allow it longer than one that timed out does not wait (see <see cref="SessionPool"/>).
    /// </summary>
    public TimeSpan FailedOpenBackoff { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// After a BMC refused a user's credentials, requests with the same credentials fail at once for this long
    /// instead of trying again: BMCs lock an account after a few failed logins (often three in a minute). Each
    /// further refusal doubles the hold, up to <see cref="MaxAuthenticationFailureHoldFactor"/> times; a request
    /// with other credentials (a corrected password) is not held.
    /// </summary>
    public TimeSpan AuthenticationFailureHold { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times <see cref="AuthenticationFailureHold"/> repeated refusals can stretch the hold.</summary>
    public int MaxAuthenticationFailureHoldFactor { get; init; } = 16;

    /// <summary>
    /// Least time between two control commands (chassis control or reset, BMC cold or warm reset) to one BMC; later
    /// ones wait their turn within their own deadline. Off by default: it spaces deliberate operations an operator
    /// asked for, and the BMC crashes it guards against come from tools that poll power state in a loop (Ironic uses
    /// 5 s for that), which reads here never are. Set it for automation that drives power in loops.
    /// </summary>
    public TimeSpan ControlCommandInterval { get; init; } = TimeSpan.Zero;

    /// <summary>How often the scavenger looks for idle sessions.</summary>
    public TimeSpan ScavengeInterval { get; init; } = TimeSpan.FromSeconds(10);
}
