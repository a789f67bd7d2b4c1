namespace IpmiRpc.Core.Sel;

/// <summary>Where a SEL record's time comes from.</summary>
public enum SelTimeQuality
{
    /// <summary>FFFFFFFFh: the BMC did not stamp the record.</summary>
    Unspecified,

    /// <summary>Below 20000000h: seconds since the BMC initialised, no calendar time known (IPMI v2.0 §37.1).</summary>
    PreInit,

    /// <summary>Seconds since 1970-01-01 by the BMC's own clock, taken as UTC.</summary>
    BmcClock,

    /// <summary>Shifted by the difference between the BMC's SEL clock (Get SEL Time) and the host's clock.</summary>
    Corrected,
}

/// <summary>A SEL timecode: the raw value next to its interpretation.</summary>
/// <param name="Raw">The 32-bit timecode as the BMC stored it.</param>
/// <param name="Quality">Its provenance.</param>
/// <param name="Utc">The instant, when one can be given (never for <see cref="SelTimeQuality.Unspecified"/>, and for
/// <see cref="SelTimeQuality.PreInit"/> only after correction).</param>
public sealed record SelTimestamp(uint Raw, SelTimeQuality Quality, DateTimeOffset? Utc)
{
    public const uint Unspecified = 0xFFFFFFFF;

    /// <summary>Timecodes at or below this count seconds since initialisation (IPMI v2.0 §37.1).</summary>
    public const uint PreInitLimit = 0x20000000;

    /// <summary>True when the raw value is a pre-init uptime, whatever correction was applied.</summary>
    public bool IsPreInit => Raw < PreInitLimit;

    /// <summary>Seconds since the BMC initialised, for a pre-init timecode.</summary>
    public TimeSpan? SinceInitialization => IsPreInit ? TimeSpan.FromSeconds(Raw) : null;
}

/// <summary>How far to trust the BMC's SEL clock.</summary>
public enum SelTimeCorrection
{
    /// <summary>Report the BMC's timecodes as they are.</summary>
    None,

    /// <summary>Give pre-init records a time from the BMC's current uptime and the host's clock; calendar stamps as they are.</summary>
    PreInitOnly,

    /// <summary>Also shift calendar stamps by the BMC/host clock difference (xCAT's reventlog approach for skewed BMCs).</summary>
    All,
}

/// <summary>
/// Interprets timecodes against one reading of the BMC's SEL clock (Get SEL Time) and the host's clock, taken together.
/// </summary>
public sealed class SelTimeContext
{
    private readonly uint? _bmcNow;
    private readonly DateTimeOffset _hostNow;
    private readonly SelTimeCorrection _correction;

    /// <param name="bmcNow">Get SEL Time's answer; null when the BMC did not give one (no correction then).</param>
    /// <param name="hostNow">The host's clock when <paramref name="bmcNow"/> was read.</param>
    public SelTimeContext(uint? bmcNow, DateTimeOffset hostNow, SelTimeCorrection correction)
    {
        _bmcNow = bmcNow is SelTimestamp.Unspecified ? null : bmcNow;
        _hostNow = hostNow.ToUniversalTime();
        _correction = correction;
    }

    /// <summary>No BMC clock reading: timecodes as the BMC wrote them.</summary>
    public static SelTimeContext Uncorrected { get; } = new(null, DateTimeOffset.UnixEpoch, SelTimeCorrection.None);

    public uint? BmcNow => _bmcNow;

    public DateTimeOffset HostNow => _hostNow;

    public SelTimeCorrection Correction => _correction;

    public SelTimestamp Interpret(uint raw)
    {
        if (raw == SelTimestamp.Unspecified)
            return new SelTimestamp(raw, SelTimeQuality.Unspecified, null);

        var preInit = raw < SelTimestamp.PreInitLimit;
        // A shift is only meaningful when the record and the clock reading count from the same origin.
        var sameOrigin = _bmcNow is { } now && (now < SelTimestamp.PreInitLimit) == preInit;
        var correct = sameOrigin && (preInit ? _correction != SelTimeCorrection.None : _correction == SelTimeCorrection.All);
        if (correct)
        {
            var age = (long)_bmcNow!.Value - raw;
            return new SelTimestamp(raw, SelTimeQuality.Corrected, _hostNow.AddSeconds(-age));
        }

        return preInit
            ? new SelTimestamp(raw, SelTimeQuality.PreInit, null)
            : new SelTimestamp(raw, SelTimeQuality.BmcClock, DateTimeOffset.FromUnixTimeSeconds(raw));
    }
}
