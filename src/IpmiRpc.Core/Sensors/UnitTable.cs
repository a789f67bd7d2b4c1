namespace IpmiRpc.Core.Sensors;

/// <summary>Sensor unit type codes, IPMI v2.0 §43.17 Table 43-15.</summary>
public static class UnitTable
{
    // Index = unit type code. Names as the spec (and ipmitool) spell them.
    private static readonly string[] Names =
    [
        "unspecified", "degrees C", "degrees F", "degrees K", "Volts", "Amps", "Watts", "Joules", "Coulombs", "VA",
        "Nits", "lumen", "lux", "Candela", "kPa", "PSI", "Newton", "CFM", "RPM", "Hz",
        "microsecond", "millisecond", "second", "minute", "hour", "day", "week", "mil", "inches", "feet",
        "cu in", "cu feet", "mm", "cm", "m", "cu cm", "cu m", "liters", "fluid ounce", "radians",
        "steradians", "revolutions", "cycles", "gravities", "ounce", "pound", "ft-lb", "oz-in", "gauss", "gilberts",
        "henry", "millihenry", "farad", "microfarad", "ohms", "siemens", "mole", "becquerel", "PPM", "reserved",
        "Decibels", "DbA", "DbC", "gray", "sievert", "color temp deg K", "bit", "kilobit", "megabit", "gigabit",
        "byte", "kilobyte", "megabyte", "gigabyte", "word", "dword", "qword", "line", "hit", "miss",
        "retry", "reset", "overflow", "underrun", "collision", "packets", "messages", "characters", "error", "correctable error",
        "uncorrectable error", "fatal error", "grams",
    ];

    // FreeIPMI's short forms for the common units; the others print their full name.
    private static readonly Dictionary<int, string> Abbreviations = new()
    {
        [1] = "C", [2] = "F", [3] = "K", [4] = "V", [5] = "A", [6] = "W", [7] = "J", [9] = "VA",
        [17] = "CFM", [18] = "RPM", [19] = "Hz", [20] = "us", [21] = "ms", [22] = "s", [23] = "min", [24] = "hr",
        [25] = "d", [26] = "wk",
    };

    /// <summary>The unit's name; unknown codes read "unit 0xNN".</summary>
    public static string Name(int code) =>
        (uint)code < (uint)Names.Length ? Names[code] : $"unit 0x{code:X2}";

    /// <summary>FreeIPMI's abbreviation where it has one, else <see cref="Name"/>.</summary>
    public static string Abbreviation(int code) =>
        Abbreviations.TryGetValue(code, out var abbreviation) ? abbreviation : Name(code);
}
