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
}
