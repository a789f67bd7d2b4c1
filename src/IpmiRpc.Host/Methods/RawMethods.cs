using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using IpmiRpc.Core;
using IpmiRpc.Host.Methods.Declarations;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Methods;

/// <summary><c>ipmi.requestResponse</c>: any IPMI request, like Windows' Microsoft_IPMI RequestResponse method.</summary>
public static class RawMethods
{
    [RpcMethod("ipmi.requestResponse", "Send one raw IPMI request and return the response data.",
        Description = "A raw request may change BMC state, so it is declared mutating: with dryRun nothing is sent.",
        ResultName = "response", Mutating = true, FanOut = true, ReadOnlyWhen = nameof(IsReadOnlyRequest), Ansible = "ipmi_raw",
        PowerShell = "Invoke-IpmiRawCommand", PowerShellAliases = ["Invoke-IPMIRequestResponse"], ConfirmImpact = "Medium")]
    public static async Task<RawResponse> RequestResponseAsync(RpcCall call, RawParams p)
    {
        var (netFn, command) = ResolveCommand(p);
        var request = new IpmiRequest(netFn, command, p.Data?.Bytes ?? [], p.Lun, p.ResponderAddress, p.Channel);
        if (call.DryRun)
        {
            return new RawResponse(null, null, [], "", Sent: false);
        }

        var response = await call.Send(request, call.CancellationToken).ConfigureAwait(false);
        if (!p.CompletionCodeAsResult)
        {
            response.EnsureSuccess(netFn, command);
        }

        var bytes = response.Data.ToArray();
        return new RawResponse(
            response.CompletionCode,
            CompletionCodes.Describe(response.CompletionCode, netFn, command),
            bytes.Select(b => (int)b).ToArray(),
            HexBytes.Format(bytes),
            Sent: true);
    }

    /// <summary>
    /// A raw request only reads when its command is read-only in the catalogue (Get Message, which dequeues, is not);
    /// OEM numbers and params that do not parse count as writes. Runs on arrival, before binding: never throws.
    /// </summary>
    public static bool IsReadOnlyRequest(JObject? parameters)
    {
        CommandInfo? info = parameters?["command"] switch
        {
            JValue { Type: JTokenType.String } name => CommandCatalogue.TryGet((string)name!, out var named) ? named : null,
            // Value is long, or BigInteger for integers beyond it: never cast those.
            JValue { Value: long number } when parameters["netFn"] is JValue { Value: long netFn }
                && number is >= 0 and <= 255 && netFn is >= 0 and <= 0x3F
                => CommandCatalogue.Find((byte)netFn, (byte)number),
            _ => null,
        };
        return info is { IsReadOnly: true };
    }

    /// <summary><c>command</c> as a number (then <c>netFn</c> is required) or a catalogue name (then netFn is derived).</summary>
    private static (byte NetFn, byte Command) ResolveCommand(RawParams p)
    {
        if (p.Command.Named is { } info)
        {
            if (p.NetFn is { } givenNetFn && givenNetFn != info.NetFn)
            {
                throw new Protocol.RpcParamException("netFn", $"{info.Name} has netFn 0x{info.NetFn.ToString("X2", CultureInfo.InvariantCulture)}; omit netFn or give that");
            }

            return (info.NetFn, info.Command);
        }

        var netFn = p.NetFn ?? throw new Protocol.RpcParamException("netFn", "required when command is a number");
        if ((netFn & 1) != 0)
        {
            throw new Protocol.RpcParamException("netFn", "must be a request netFn (even); responses have odd netFns");
        }

        return (netFn, p.Command.Number!.Value);
    }

    public sealed record RawParams
    {
        [Required, Description("Command number, or a catalogue name such as \"GetDeviceId\" (case and separators ignored) from which netFn is derived.")]
        public CommandSelector Command { get; init; }

        [Description("Request network function (even, 0x00-0x3E). Required with a numeric command; with a command name it may be given only if it matches."), Range(0, 63)]
        public byte? NetFn { get; init; }

        [Description("Responder LUN."), Range(0, 3), DefaultValue((byte)0)]
        public byte Lun { get; init; }

        [Description("Responder slave address; 0x20 is the BMC, anything else is bridged: over lanplus wrapped in Send Message (single bridging, like ipmitool -b/-t), over openipmi through the kernel's IPMB addressing. A target that does not acknowledge gives completion code 0x83 (Send Message)."),
         DefaultValue(IpmiRequest.BmcAddress)]
        public byte ResponderAddress { get; init; } = IpmiRequest.BmcAddress;

        [Description("Channel for bridged requests (0 = primary IPMB, the default when only responderAddress is given)."), Range(0, 15)]
        public byte? Channel { get; init; }

        [Description("Request data after the command byte: a hex string (\"0102\", \"01 02\", \"0x01 0x02\") or an array of integers 0-255; at most 255 bytes."),
         MaxLength(IpmiRequest.MaxDataLength)]
        public ByteString? Data { get; init; }

        [Description("Return a non-zero completion code as the result (as `ipmitool raw` prints it) instead of error -32001."), DefaultValue(false)]
        public bool CompletionCodeAsResult { get; init; }
    }
}

/// <summary>Result of <c>ipmi.requestResponse</c>.</summary>
public sealed record RawResponse(
    [property: Description("The completion code; non-zero only with completionCodeAsResult. Null when dryRun sent nothing.")] int? CompletionCode,
    [property: Description("The completion code's meaning for this command.")] string? CompletionText,
    [property: Description("Response data after the completion code.")] int[] Data,
    [property: Description("The same bytes as lowercase hex without separators.")] string Hex,
    [property: Description("False when dryRun kept the request from being sent.")] bool Sent);
