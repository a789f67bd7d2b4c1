namespace IpmiRpc.Host.Methods.FanOut;

/// <summary>
/// Where a fan-out tells its progress: a <c>$/progress</c> notification on the JSON-RPC connection, an MCP
/// <c>notifications/progress</c>. A failed report is the sink's to log; the sweep never fails because of it.
/// </summary>
public interface IProgressSink
{
    ValueTask ReportAsync(int done, int total, CancellationToken cancellationToken);
}
