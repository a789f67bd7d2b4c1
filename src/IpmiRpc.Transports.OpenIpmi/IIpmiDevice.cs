using IpmiRpc.Core;

namespace IpmiRpc.Transports.OpenIpmi;

/// <summary>One reply taken off the device queue.</summary>
/// <param name="RecvType">IPMI_RESPONSE_RECV_TYPE (1) for answers to our requests; events and commands otherwise.</param>
/// <param name="Data">Completion code first, then the response data.</param>
internal readonly record struct DeviceReply(int RecvType, long MsgId, byte NetFn, byte Command, byte[] Data);

/// <summary>
/// The device as the session needs it: send tagged requests, wait for the queue, drain it. Split from the session
/// so the multiplexing logic is testable off Linux; the real one is <see cref="LinuxIpmiDevice"/>.
/// </summary>
internal interface IIpmiDevice : IDisposable
{
    string Path { get; }

    /// <summary>Queues a request in the kernel. Throws <see cref="IpmiException"/>; <see cref="DeviceBusyException"/> when the kernel's per-user queue is full.</summary>
    void Send(long msgId, IpmiRequest request);

    /// <summary>Blocks until a reply may be queued (true) or <see cref="Wake"/> was called (false).</summary>
    bool WaitReadable();

    /// <summary>Takes one reply off the queue; false when it is empty.</summary>
    bool TryReceive(out DeviceReply reply);

    /// <summary>Makes a pending or future <see cref="WaitReadable"/> return false. Callable from any thread.</summary>
    void Wake();
}

/// <summary>The kernel refused to queue another message for this fd (EBUSY); retry shortly.</summary>
internal sealed class DeviceBusyException() : Exception("the IPMI device queue is full");
