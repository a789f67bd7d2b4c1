using IpmiRpc.Core;
using Microsoft.Management.Infrastructure;

namespace IpmiRpc.Transports.Cim;

/// <summary>
/// The WMI class the Windows IPMI driver (ipmidrv.sys) exposes, and the pure half of calling it: building the in-arguments
/// of <c>RequestResponse</c> and reading its out-parameters. No CIM session is touched here.
/// </summary>
internal static class MicrosoftIpmi
{
    public const string Namespace = "root/wmi";
    public const string ClassName = "Microsoft_IPMI";
    public const string RequestResponseMethod = "RequestResponse";

    // In-parameters of Microsoft_IPMI.RequestResponse, exactly as the MOF declares them.
    public const string Command = "Command";
    public const string Lun = "Lun";
    public const string NetworkFunction = "NetworkFunction";
    public const string RequestData = "RequestData";
    public const string RequestDataSize = "RequestDataSize";
    public const string ResponderAddress = "ResponderAddress";

    // Out-parameters.
    public const string CompletionCode = "CompletionCode";
    public const string ResponseData = "ResponseData";
    public const string ResponseDataSize = "ResponseDataSize";

    /// <summary>The in-arguments for one request; the NetFn goes through unchanged (the host derived it already).</summary>
    public static IReadOnlyList<CimArgument> BuildArguments(IpmiRequest request)
    {
        var data = request.Data.ToArray();
        return
        [
            new(Command, request.Command, CimType.UInt8),
            new(Lun, request.Lun, CimType.UInt8),
            new(NetworkFunction, request.NetFn, CimType.UInt8),
            new(RequestData, data, CimType.UInt8Array),
            new(RequestDataSize, (uint)data.Length, CimType.UInt32),
            new(ResponderAddress, request.ResponderAddress, CimType.UInt8),
        ];
    }

    /// <summary>
    /// Reads CompletionCode / ResponseData / ResponseDataSize. ResponseData carries the completion code again as its first
    /// byte (ResponseDataSize counts it), so it is stripped once here and must agree with CompletionCode.
    /// </summary>
    public static IpmiResponse ParseResponse(IReadOnlyDictionary<string, object?> outParameters)
    {
        if (!TryGet(outParameters, CompletionCode, out var ccValue) || ccValue is null)
        {
            throw new IpmiDecodeException("Microsoft_IPMI.RequestResponse returned no CompletionCode");
        }

        var completionCode = ToByte(ccValue, CompletionCode);
        var raw = TryGet(outParameters, ResponseData, out var dataValue) ? ToBytes(dataValue) : [];

        if (TryGet(outParameters, ResponseDataSize, out var sizeValue) && sizeValue is not null)
        {
            var size = ToLength(sizeValue);
            if (size > raw.Length)
            {
                throw new IpmiDecodeException(
                    $"Microsoft_IPMI.RequestResponse: ResponseDataSize is {size} but ResponseData has {raw.Length} bytes");
            }

            raw = raw[..size];
        }

        if (raw.Length == 0)
        {
            return new IpmiResponse(completionCode, ReadOnlyMemory<byte>.Empty);
        }

        if (raw[0] != completionCode)
        {
            throw new IpmiDecodeException(
                $"Microsoft_IPMI.RequestResponse: ResponseData starts with 0x{raw[0]:X2} but CompletionCode is 0x{completionCode:X2}");
        }

        return new IpmiResponse(completionCode, raw.AsMemory(1));
    }

    private static bool TryGet(IReadOnlyDictionary<string, object?> values, string name, out object? value)
    {
        if (values.TryGetValue(name, out value))
        {
            return true;
        }

        // WMI names are case-insensitive; a provider or a fake may not match the MOF's casing.
        foreach (var (key, v) in values)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                value = v;
                return true;
            }
        }

        value = null;
        return false;
    }

    private static byte ToByte(object value, string what) => value switch
    {
        byte b => b,
        sbyte or short or ushort or int or uint or long or ulong when TryInRange(value, 0, byte.MaxValue, out var v) => (byte)v,
        _ => throw new IpmiDecodeException($"Microsoft_IPMI.RequestResponse: {what} is not a uint8 ({Describe(value)})"),
    };

    private static int ToLength(object value) =>
        TryInRange(value, 0, int.MaxValue, out var v)
            ? (int)v
            : throw new IpmiDecodeException($"Microsoft_IPMI.RequestResponse: ResponseDataSize is not a valid length ({Describe(value)})");

    private static byte[] ToBytes(object? value)
    {
        switch (value)
        {
            case null:
                return [];
            case byte[] bytes:
                return bytes;
            case Array array:
                var result = new byte[array.Length];
                for (var i = 0; i < array.Length; i++)
                {
                    result[i] = ToByte(array.GetValue(i) ?? throw new IpmiDecodeException("Microsoft_IPMI.RequestResponse: ResponseData holds a null"), ResponseData);
                }

                return result;
            default:
                throw new IpmiDecodeException($"Microsoft_IPMI.RequestResponse: ResponseData is not a uint8 array ({Describe(value)})");
        }
    }

    private static bool TryInRange(object value, long min, long max, out long result)
    {
        switch (value)
        {
            case byte or sbyte or short or ushort or int or uint or long:
                result = Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
                return result >= min && result <= max;
            case ulong u when u <= (ulong)max:
                result = (long)u;
                return result >= min;
            default:
                result = 0;
                return false;
        }
    }

    private static string Describe(object value) => value.GetType().Name;
}

/// <summary>One in-argument of a CIM method call: what the real gateway turns into a <c>CimMethodParameter</c>.</summary>
internal readonly record struct CimArgument(string Name, object Value, CimType Type);
