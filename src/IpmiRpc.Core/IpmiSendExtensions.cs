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
    public static Task<TResponse> ExecuteAsync<TResponse>(this IpmiSend send, IIpmiCommand<TResponse> command, CancellationToken cancellationToken) =>
        send.ExecuteAsync(command, IpmiAddress.Bmc, cancellationToken);

    /// <summary>Sends <paramref name="command"/> to another LUN or, bridged, to another controller, and decodes its
    /// answer; a non-zero completion code throws <see cref="CompletionCodeException"/>.</summary>
    public static async Task<TResponse> ExecuteAsync<TResponse>(this IpmiSend send, IIpmiCommand<TResponse> command, IpmiAddress address, CancellationToken cancellationToken)
    {
        var response = await send(command.ToRequest(address), cancellationToken).ConfigureAwait(false);
        return command.DecodeResponse(response);
    }

    /// <summary>The request that carries <paramref name="command"/> (to the BMC's LUN 0 unless <paramref name="address"/> says otherwise).</summary>
    public static IpmiRequest ToRequest<TResponse>(this IIpmiCommand<TResponse> command, IpmiAddress? address = null)
    {
        var info = command.Info;
        var to = address ?? IpmiAddress.Bmc;
        if (command.RequestData.IsEmpty && ReferenceEquals(to, IpmiAddress.Bmc)
            && info.ToBmcWithoutData is { } shared && shared.NetFn == info.NetFn && shared.Command == info.Command)
        {
            // The checks after the first two keep a row copied with `with` from answering for the row it came from.
            return shared;
        }

        return new IpmiRequest(info.NetFn, info.Command, command.RequestData, to.Lun, to.ResponderAddress, to.Channel);
    }

    /// <summary>Decodes <paramref name="response"/> as the answer to <paramref name="command"/>; a non-zero completion
    /// code throws <see cref="CompletionCodeException"/>.</summary>
    public static TResponse DecodeResponse<TResponse>(this IIpmiCommand<TResponse> command, IpmiResponse response)
    {
        var info = command.Info;
        response.EnsureSuccess(info.NetFn, info.Command);
        return command.Decode(response.Data.Span);
    }
}
