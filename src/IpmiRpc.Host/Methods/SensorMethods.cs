using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using IpmiRpc.Core.Sdr;
using IpmiRpc.Core.Sensors;
using IpmiRpc.Core.Targets;
using IpmiRpc.Host.Methods.Declarations;

namespace IpmiRpc.Host.Methods;

/// <summary>
/// The SDR repository (IPMI v2.0 §33, record formats §43) and the sensors it describes (§35). Repositories come from
/// the host's <see cref="SdrCache"/> (in memory, and on disk with <c>--sdr-cache DIR</c>), so a second call reads no
/// SDR at all while the repository's timestamps and the BMC's identity are unchanged.
/// </summary>
public static class SensorMethods
{
    [RpcMethod("sdr.list", "Every SDR record decoded (full/compact/event-only sensor, generic, FRU and MC locators, OEM raw; others raw), with the repository info (Get SDR Repository Info, Reserve SDR Repository, Get SDR: IPMI v2.0 §33.9–33.12, §43). The repository is cached per BMC (timestamps, record count and identity) and shared across BMCs of one model and firmware.",
        ResultName = "sdr", FanOut = true, Ansible = "ipmi_sdr_info", PowerShell = "Get-IpmiSdr")]
    public static async Task<SdrListing> ListSdrAsync(RpcCall call)
    {
        var (cached, quirks) = await GetRepositoryAsync(call).ConfigureAwait(false);
        var repository = cached.Repository;
        return new SdrListing(
            repository.Info,
            repository.Identity,
            new SdrCacheReport(cached.Outcome, cached.GetSdrRequests),
            BmcQuirksText.Named(quirks),
            repository.Warnings,
            repository.Records.Select(SdrEntry.From).ToArray());
    }

    [RpcMethod("sensors.list", "Sensors read and decoded like `ipmitool sensor` and FreeIPMI `ipmi-sensors`: reading converted with the SDR's factors and linearization (Get Sensor Reading Factors for non-linear sensors), unit, thresholds (Get Sensor Thresholds, else the SDR's), state (ok, nonCritical, critical, nonRecoverable, readingUnavailable, scanningDisabled) and discrete states named from the sensor type / generic event tables (IPMI v2.0 §35.14, §36.3, Tables 42-2/42-3). SDRs come from the cache as for sdr.list.",
        ResultName = "sensors", FanOut = true, Ansible = "ipmi_sensor_info", PowerShell = "Get-IpmiSensor")]
    public static async Task<SensorList> ListSensorsAsync(RpcCall call, SensorsListParams p)
    {
        var (cached, quirks) = await GetRepositoryAsync(call).ConfigureAwait(false);
        var reader = new SensorReader(call.Send, new SensorReaderOptions { Quirks = quirks, ExpandSharedRecords = p.SharedSensors, IncludeEventOnly = p.IncludeEventOnly });
        var filter = new SensorFilter(p.Names, p.Types);
        var wanted = reader.Sensors(cached.Repository.Records).Where(s => filter.Matches(s.Record, s.ShareIndex, p.SharedSensors)).ToArray();
        var readings = await reader.ReadManyAsync(wanted, call.CancellationToken).ConfigureAwait(false);
        var sensors = new SensorEntry[readings.Count];
        for (var i = 0; i < sensors.Length; i++)
        {
            sensors[i] = SensorEntry.From(readings[i]);
        }

        return new SensorList(sensors, new SdrCacheReport(cached.Outcome, cached.GetSdrRequests), BmcQuirksText.Named(quirks));
    }

    /// <summary>The BMC's repository from the cache, read with the target's quirks (which the results echo).</summary>
    private static async Task<(SdrCacheResult Cached, BmcQuirks Quirks)> GetRepositoryAsync(RpcCall call)
    {
        var quirks = call.Target.Quirks;
        var identity = call.Target.Identity;
        var bmcKey = $"{identity.Transport}://{identity.Address}:{identity.Port}";
        var cached = await call.Host.SdrCache.GetAsync(bmcKey, call.Send, quirks, call.CancellationToken).ConfigureAwait(false);
        return (cached, quirks);
    }

    public sealed record SensorsListParams
    {
        [Description("Only sensors with these names (case-insensitive; a shared sensor matches by its own name or its record's)."), MaxLength(256)]
        public IReadOnlyList<string>? Names { get; init; }

        [Description("Only sensors of these types, by name as sensorTypeName gives it (case-insensitive, e.g. Temperature, Fan, Power Supply) or by number (e.g. 1, 0x01)."), MaxLength(64)]
        public IReadOnlyList<string>? Types { get; init; }

        [Description("Read each sensor of a shared compact/event-only record (FreeIPMI --shared-sensors); false reads only the first, as ipmitool does."), DefaultValue(true)]
        public bool SharedSensors { get; init; } = true;

        [Description("Also list event-only sensors (no reading; status ok)."), DefaultValue(false)]
        public bool IncludeEventOnly { get; init; }
    }

    /// <summary>The names/types filter, applied before any sensor is read.</summary>
    private sealed class SensorFilter(IReadOnlyList<string>? names, IReadOnlyList<string>? types)
    {
        private readonly HashSet<string>? _names = names is { Count: > 0 } ? new(names.Select(n => n.Trim()), StringComparer.OrdinalIgnoreCase) : null;
        private readonly HashSet<string>? _types = types is { Count: > 0 } ? new(types.Select(t => t.Trim()), StringComparer.OrdinalIgnoreCase) : null;

        public bool Matches(SensorRecord record, int shareIndex, bool expandShared)
        {
            if (_types is not null && !_types.Contains(SensorTypeTable.TypeName(record.SensorType))
                && !_types.Contains(record.SensorType.ToString(System.Globalization.CultureInfo.InvariantCulture))
                && !_types.Contains($"0x{record.SensorType:X2}") && !_types.Contains($"0x{record.SensorType:x2}"))
            {
                return false;
            }

            if (_names is null)
            {
                return true;
            }

            var baseName = record.Name.Text.Trim();
            var shared = expandShared && record.Sharing is { Count: > 1 };
            return _names.Contains(baseName) || (shared && _names.Contains((record.Name.Text + record.Sharing!.Suffix(shareIndex)).Trim()));
        }
    }
}
