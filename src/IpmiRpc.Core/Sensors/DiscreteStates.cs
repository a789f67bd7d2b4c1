namespace IpmiRpc.Core.Sensors;

/// <summary>One asserted state of a discrete sensor: its offset and name.</summary>
public sealed record DiscreteState(int Offset, string Name);

/// <summary>Names the asserted state bits of a sensor through the table its event/reading type points to.</summary>
public static class DiscreteStates
{
    /// <summary>
    /// The name of state <paramref name="offset"/>: event/reading type 6Fh uses the sensor type's table (Table 42-3),
    /// 01h–0Ch the generic table (Table 42-2), 70h–7Fh are OEM. Offsets without a name read "State N" / "OEM State N".
    /// </summary>
    public static string Name(int eventReadingType, int sensorType, int offset) =>
        TableName(eventReadingType, sensorType, offset) ?? (eventReadingType is >= 0x70 and <= 0x7F ? $"OEM State {offset}" : $"State {offset}");

    /// <summary>
    /// The spec's name of event offset <paramref name="offset"/> (threshold, generic or sensor-specific), or null where the
    /// tables define none or mark it reserved: what a SEL record's description is (no "State N" placeholder).
    /// </summary>
    public static string? KnownName(int eventReadingType, int sensorType, int offset) =>
        TableName(eventReadingType, sensorType, offset) is { } name && !name.Equals("Reserved", StringComparison.OrdinalIgnoreCase) ? name : null;

    private static string? TableName(int eventReadingType, int sensorType, int offset) => eventReadingType switch
    {
        0x6F => SensorTypeTable.StateName(sensorType, offset),
        _ when GenericEventTable.Covers(eventReadingType) => GenericEventTable.Name(eventReadingType, offset),
        _ => null,
    };

    /// <summary>Every asserted bit of <paramref name="stateBits"/> (offsets 0–14), named.</summary>
    public static IReadOnlyList<DiscreteState> Decode(int eventReadingType, int sensorType, int stateBits)
    {
        var states = new List<DiscreteState>();
        for (var offset = 0; offset < 15; offset++)
        {
            if ((stateBits & (1 << offset)) != 0)
            {
                states.Add(new DiscreteState(offset, Name(eventReadingType, sensorType, offset)));
            }
        }

        return states;
    }
}
