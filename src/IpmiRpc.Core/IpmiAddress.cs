namespace IpmiRpc.Core;

/// <summary>Where a request goes: the responder's LUN and slave address, and for bridged requests the channel.</summary>
/// <param name="Lun">Responder LUN (0–3).</param>
/// <param name="ResponderAddress">Responder slave address; <see cref="IpmiRequest.BmcAddress"/> is the BMC.</param>
/// <param name="Channel">Channel for bridged requests; null means the BMC itself.</param>
public sealed record IpmiAddress(byte Lun = 0, byte ResponderAddress = IpmiRequest.BmcAddress, byte? Channel = null)
{
    /// <summary>The BMC, LUN 0: where every command goes unless told otherwise.</summary>
    public static IpmiAddress Bmc { get; } = new();
}
