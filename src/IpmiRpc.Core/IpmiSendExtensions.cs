namespace IpmiRpc.Core;

/// <summary>Helpers for multi-command operations built on <see cref="IpmiSend"/>.</summary>
public static class IpmiSendExtensions
{
    /// <summary>Sends <paramref name="request"/> and returns the response data; a non-zero completion code throws
    /// <see cref="CompletionCodeException"/>.</summary>
    public static async Task<ReadOnlyMemory<byte>> SendCheckedAsync(this IpmiSend send, IpmiRequest request, CancellationToken cancellationToken)
    {
        var response = await send(request, cancellationToken).ConfigureAwait(false);
        return response.EnsureSuccess(request.NetFn, request.Command).Data;
    }

    /// <summary>Sends <paramref name="command"/> to the BMC (LUN 0) and decodes its answer; a non-zero completion code
    /// throws <see cref="CompletionCodeException"/>.</summary>
    public static async Task<TResponse> ExecuteAsync<TResponse>(this IpmiSend send, IIpmiCommand<TResponse> command, CancellationToken cancellationToken)
    {
        var info = command.Info;
        var response = await send(new IpmiRequest(info.NetFn, info.Command, command.RequestData), cancellationToken).ConfigureAwait(false);
        response.EnsureSuccess(info.NetFn, info.Command);
        return command.Decode(response.Data.Span);
    }
}
