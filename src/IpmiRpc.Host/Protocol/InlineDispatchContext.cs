namespace IpmiRpc.Host.Protocol;

/// <summary>
/// The <see cref="SynchronizationContext"/> StreamJsonRpc dispatches methods on: it runs each posted invocation at
/// once, on the thread that read the request, up to the method's first await that really waits (the BMC's answer).
/// </summary>
/// <remarks>
/// StreamJsonRpc's default (<c>NonConcurrentSynchronizationContext</c>) queues every invocation to the thread pool,
/// which on a sequential request wakes a sleeping worker only to send one datagram; here the reader that the request
/// line woke sends it. The guarantees stay the same: StreamJsonRpc posts from its one read loop, so invocations start
/// in input order and one at a time, and each returns to the loop at its first real await. A method must therefore
/// not block before that await (the target resolution that may read a file already moves to the thread pool).
/// This context is never made current: continuations inside the methods resume where their awaits complete.
/// </remarks>
internal sealed class InlineDispatchContext : SynchronizationContext
{
    public override void Post(SendOrPostCallback d, object? state) => d(state);

    public override void Send(SendOrPostCallback d, object? state) => d(state);

    public override SynchronizationContext CreateCopy() => this;
}
