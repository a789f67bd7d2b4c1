namespace IpmiRpc.Core;

/// <summary>
/// How multi-command operations (LAN configuration, system info) reach a BMC without knowing the transport:
/// the host binds it to <c>SessionPool.SendAsync</c> for one target.
/// </summary>
public delegate Task<IpmiResponse> IpmiSend(IpmiRequest request, CancellationToken cancellationToken);
