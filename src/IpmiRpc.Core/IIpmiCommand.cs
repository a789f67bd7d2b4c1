namespace IpmiRpc.Core;

/// <summary>
/// One IPMI command as a typed request/response pair (the go-ipmi shape): the catalogue row says where it goes, the
/// instance carries the request data, <see cref="Decode"/> reads the response data after the completion code.
/// Send it with <see cref="IpmiSendExtensions.ExecuteAsync{TResponse}(IpmiSend, IIpmiCommand{TResponse}, CancellationToken)"/>.
/// </summary>
/// <typeparam name="TResponse">The decoded response: records and enums, never JSON vocabulary.</typeparam>
public interface IIpmiCommand<out TResponse>
{
    /// <summary>The command's catalogue row (NetFn, command number, name).</summary>
    CommandInfo Info { get; }

    /// <summary>Request data after the command byte.</summary>
    ReadOnlyMemory<byte> RequestData { get; }

    /// <summary>Decodes the response data after the completion code; throws <see cref="IpmiDecodeException"/> when short.</summary>
    TResponse Decode(ReadOnlySpan<byte> data);
}
