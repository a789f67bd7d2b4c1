namespace IpmiRpc.Host.Methods.Declarations;

/// <summary>
/// A param of raw bytes, given as a hex string (<c>"0102"</c>, <c>"01 02"</c>, <c>"0x01 0x02"</c>, <c>"01,02"</c>) or
/// an array of integers 0–255, the forms ipmitool users type. <c>[MaxLength]</c> on the param bounds the byte count.
/// </summary>
public readonly record struct ByteString(byte[] Bytes);

/// <summary>
/// An IPMI command given as a number (then <c>netFn</c> is needed too) or as a command catalogue name such as
/// <c>GetDeviceId</c> (case and separators ignored), from which the NetFn follows.
/// </summary>
public readonly record struct CommandSelector(byte? Number, Core.CommandInfo? Named);
