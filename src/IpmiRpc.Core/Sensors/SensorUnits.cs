using System.Globalization;

namespace IpmiRpc.Core.Sensors;

/// <summary>How the analog reading byte is encoded (full SDR byte 21 bits 7:6).</summary>
public enum AnalogDataFormat
{
    Unsigned = 0,
    OnesComplement = 1,
    TwosComplement = 2,

    /// <summary>The sensor has no analog (numeric) reading.</summary>
    NoAnalogReading = 3,
}

/// <summary>How the base and modifier units combine (byte 21 bits 2:1).</summary>
public enum ModifierUnitRelation
{
    None = 0,

    /// <summary>Base unit / modifier unit (e.g. Watts/hour).</summary>
    Divide = 1,

    /// <summary>Base unit * modifier unit (e.g. Watts*hour).</summary>
    Multiply = 2,
    Reserved = 3,
}

/// <summary>Rate unit (byte 21 bits 5:3).</summary>
public enum RateUnit
{
    None = 0,
    PerMicrosecond = 1,
    PerMillisecond = 2,
    PerSecond = 3,
    PerMinute = 4,
    PerHour = 5,
    PerDay = 6,
    Reserved = 7,
}

/// <summary>
/// A sensor's unit (SDR bytes 21–23): base unit, optional modifier unit and rate, percentage. <see cref="Text"/> is the
/// unit as ipmitool prints it, <see cref="Abbreviation"/> as FreeIPMI's ipmi-sensors does.
/// </summary>
public sealed record SensorUnits(int BaseUnit, int ModifierUnit, ModifierUnitRelation Relation, RateUnit Rate, bool Percentage)
{
    /// <summary>Decodes the units bytes: <paramref name="units1"/> (byte 21), base (22), modifier (23).</summary>
    public static SensorUnits Decode(byte units1, byte baseUnit, byte modifierUnit) => new(
        baseUnit,
        modifierUnit,
        (ModifierUnitRelation)((units1 >> 1) & 0b11),
        (RateUnit)((units1 >> 3) & 0b111),
        (units1 & 0b1) != 0);

    /// <summary>The base unit's name (IPMI v2.0 §43.17).</summary>
    public string BaseName => UnitTable.Name(BaseUnit);

    /// <summary>The modifier unit's name, or null without a modifier.</summary>
    public string? ModifierName => Relation is ModifierUnitRelation.Divide or ModifierUnitRelation.Multiply ? UnitTable.Name(ModifierUnit) : null;

    /// <summary>Full text: "degrees C", "Watts/hour", "Watts*hour", "% RPM", "percent", "Amps per second".</summary>
    public string Text => Compose(UnitTable.Name, "/", "*", percent: "% ", onlyPercent: "percent");

    /// <summary>Short form as FreeIPMI prints it: "C", "V", "W / hr", "%".</summary>
    public string Abbreviation => Compose(UnitTable.Abbreviation, " / ", " * ", percent: "% ", onlyPercent: "%");

    private string Compose(Func<int, string> name, string divide, string multiply, string percent, string onlyPercent)
    {
        if (Percentage && BaseUnit == 0)
        {
            return onlyPercent;
        }

        var text = BaseUnit == 0 && !Percentage && Relation is ModifierUnitRelation.None ? "unspecified" : name(BaseUnit);
        text = Relation switch
        {
            ModifierUnitRelation.Divide => text + divide + name(ModifierUnit),
            ModifierUnitRelation.Multiply => text + multiply + name(ModifierUnit),
            _ => text,
        };
        if (Rate is not RateUnit.None)
        {
            text = string.Create(CultureInfo.InvariantCulture, $"{text} {RateText(Rate)}");
        }

        return Percentage ? percent + text : text;
    }

    private static string RateText(RateUnit rate) => rate switch
    {
        RateUnit.PerMicrosecond => "per µs",
        RateUnit.PerMillisecond => "per ms",
        RateUnit.PerSecond => "per s",
        RateUnit.PerMinute => "per minute",
        RateUnit.PerHour => "per hour",
        RateUnit.PerDay => "per day",
        _ => "per (reserved)",
    };
}
