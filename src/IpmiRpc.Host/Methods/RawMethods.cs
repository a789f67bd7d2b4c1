using System.Globalization;
using IpmiRpc.Core;

namespace IpmiRpc.Host.Methods;

/// <summary><c>ipmi.requestResponse</c>: any IPMI request, as the seed's Invoke-IPMIRequestResponse did.</summary>
public static class RawMethods
{
    public static async Task<object?> RequestResponseAsync(RpcCall call)
    {
        var p = call.Params;
        var (netFn, command) = ReadCommand(p);
        var lun = p.OptionalByte("lun", 0, 3) ?? 0;
        var responderAddress = p.OptionalByte("responderAddress") ?? IpmiRequest.BmcAddress;
        var channel = p.OptionalByte("channel", 0, 15);
        var data = p.Bytes("data", IpmiRequest.MaxDataLength);

        var request = new IpmiRequest(netFn, command, data, lun, responderAddress, channel);
        var response = await call.Send(request, call.CancellationToken).ConfigureAwait(false);
        response.EnsureSuccess(netFn, command);
        var bytes = response.Data.ToArray();
        return new RawResponse(
            response.CompletionCode,
            CompletionCodes.Describe(response.CompletionCode, netFn, command),
            bytes.Select(b => (int)b).ToArray(),
            HexBytes.Format(bytes));
    }

    /// <summary><c>command</c> as a number (then <c>netFn</c> is required) or a catalogue name (then netFn is derived).</summary>
    private static (byte NetFn, byte Command) ReadCommand(ParamReader p)
    {
        var token = p.Get("command") ?? throw p.Error("command", "required");
        if (token.Type == Newtonsoft.Json.Linq.JTokenType.String)
        {
            var name = (string)token!;
            if (!CommandCatalogue.TryGet(name, out var info))
            {
                throw p.Error("command", $"'{Truncate(name)}' is not a command name in the catalogue; give a number and netFn instead");
            }

            if (p.OptionalByte("netFn", 0, 0x3F) is { } givenNetFn && givenNetFn != info.NetFn)
            {
                throw p.Error("netFn", $"{info.Name} has netFn 0x{info.NetFn.ToString("X2", CultureInfo.InvariantCulture)}; omit netFn or give that");
            }

            return (info.NetFn, info.Command);
        }

        var command = p.OptionalByte("command") ?? throw p.Error("command", "required");
        var netFn = p.OptionalByte("netFn", 0, 0x3F) ?? throw p.Error("netFn", "required when command is a number");
        if ((netFn & 1) != 0)
        {
            throw p.Error("netFn", "must be a request netFn (even); responses have odd netFns");
        }

        return (netFn, command);
    }

    private static string Truncate(string s) => s.Length <= 64 ? s : s[..64] + "…";
}

/// <summary>Result of <c>ipmi.requestResponse</c>.</summary>
/// <param name="Data">Response data after the completion code.</param>
/// <param name="Hex">The same bytes as lowercase hex without separators.</param>
public sealed record RawResponse(int CompletionCode, string CompletionText, int[] Data, string Hex);
