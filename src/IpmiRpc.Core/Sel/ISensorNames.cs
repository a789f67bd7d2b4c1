namespace IpmiRpc.Core.Sel;

/// <summary>
/// Sensor names from the SDR repository, so a SEL record can name its sensor as ipmitool's <c>sel elist</c> does.
/// The SDR reader implements it; the SEL code never reads SDRs itself.
/// </summary>
public interface ISensorNames
{
    /// <summary>The sensor's ID string, or null when no SDR describes it.</summary>
    /// <param name="ownerId">Generator/owner id byte: bits 7:1 IPMB slave address or software id, bit 0 set for software.</param>
    /// <param name="ownerLun">Sensor owner LUN (0–3).</param>
    /// <param name="sensorNumber">Sensor number.</param>
    string? Find(byte ownerId, byte ownerLun, byte sensorNumber);
}

/// <summary>No SDRs: every sensor stays unnamed (its type and number still identify it).</summary>
public sealed class NoSensorNames : ISensorNames
{
    public static readonly NoSensorNames Instance = new();

    public string? Find(byte ownerId, byte ownerLun, byte sensorNumber) => null;
}
