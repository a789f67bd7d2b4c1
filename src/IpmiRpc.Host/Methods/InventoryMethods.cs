using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using IpmiRpc.Core;
using IpmiRpc.Core.Commands.Storage;
using IpmiRpc.Core.Fru;
using IpmiRpc.Core.Lan;
using IpmiRpc.Core.Sel;
using IpmiRpc.Core.Users;
using IpmiRpc.Host.Methods.Declarations;

namespace IpmiRpc.Host.Methods;

/// <summary>The event log (SEL, IPMI v2.0 §31), FRU inventory (§34, Platform Management FRU Information Storage
/// Definition) and user accounts (§22.26–22.29).</summary>
public static class InventoryMethods
{
    // FRU read sizes that worked, per BMC, for the life of the process (bounded inside).
    private static readonly FruChunkSizes FruChunkSizes = new();

    private static SelReader SelReaderFor(RpcCall call) =>
        new(call.Send, options: new SelReaderOptions { Quirks = call.Target.Quirks });

    [RpcMethod("sel.getInfo", "SEL entry count, free space, last addition/erase times and supported operations (Get SEL Info, IPMI v2.0 §31.2), with the BMC's SEL clock next to the host's (Get SEL Time, §31.10).",
        ResultName = "selInfo", FanOut = true, Ansible = "ipmi_sel_info", AnsibleGather = "info", PowerShell = "Get-IpmiSelInfo")]
    public static async Task<SelInfoResult> GetSelInfoAsync(RpcCall call)
    {
        var reader = SelReaderFor(call);
        var info = await reader.GetInfoAsync(call.CancellationToken).ConfigureAwait(false);
        var clock = await reader.GetTimeAsync(call.CancellationToken).ConfigureAwait(false);
        return new SelInfoResult(info, clock);
    }

    [RpcMethod("sel.list", "SEL records decoded like `ipmitool sel elist`: ISO 8601 time with its provenance (pre-init, BMC clock, corrected), generator, sensor, event type and description, asserted/deasserted, event data; OEM records raw. Pass the returned cursor back to fetch only new records.",
        ResultName = "listing", FanOut = true, Ansible = "ipmi_sel_info", AnsibleGather = "entries", PowerShell = "Get-IpmiSelEntry")]
    public static Task<SelListing> ListSelAsync(RpcCall call, SelListParams p)
    {
        var reader = SelReaderFor(call);
        if (p.Cursor is { } cursor)
        {
            return reader.ReadNewAsync(new SelCursor(cursor.MostRecentAddition, cursor.MostRecentErase, cursor.Entries, cursor.LastRecordId), call.CancellationToken);
        }

        return reader.ListAsync(new SelQuery(p.Last, p.SinceRecordId, p.Since), call.CancellationToken);
    }

    [RpcMethod("sel.clear", "Clears the SEL with a reservation and waits for the erasure to complete (Clear SEL, IPMI v2.0 §31.9). With fetchFirst (the default) every record is read first and the tail re-read under the reservation, so no event is lost between reading and clearing.",
        ResultName = "cleared", Mutating = true, Ansible = "ipmi_sel", PowerShell = "Clear-IpmiSel", ConfirmImpact = "High")]
    public static async Task<SelClearOutcome> ClearSelAsync(RpcCall call, SelClearParams p)
    {
        var reader = SelReaderFor(call);
        var plan = await reader.PlanClearAsync(p.FetchFirst, call.CancellationToken).ConfigureAwait(false);
        if (call.DryRun)
        {
            return new SelClearOutcome(Changed: plan.Entries > 0, DryRun: true, plan, Result: null);
        }

        var result = await reader.ClearAsync(p.FetchFirst, call.CancellationToken).ConfigureAwait(false);
        return new SelClearOutcome(Changed: true, DryRun: false, plan, result);
    }

    [RpcMethod("sel.getTime", "The BMC's SEL clock (Get SEL Time, IPMI v2.0 §31.10) next to the host's: the raw timecode, whether it is calendar time or seconds since the BMC initialised, and BMC minus host.",
        ResultName = "clock", FanOut = true, PowerShell = "Get-IpmiSelTime")]
    public static Task<SelClock> GetSelTimeAsync(RpcCall call) => SelReaderFor(call).GetTimeAsync(call.CancellationToken);

    [RpcMethod("sel.setTime", "Sets the BMC's SEL clock (Set SEL Time, IPMI v2.0 §31.11) to the given time or, by default, the host's clock. The timecode written is seconds since 1970 UTC. Get SEL Time is read first: when the BMC is already within toleranceSeconds nothing is sent (changed: false).",
        ResultName = "selTime", Mutating = true, FanOut = true, Ansible = "ipmi_sel_time", PowerShell = "Set-IpmiSelTime")]
    public static async Task<SelSetTimeOutcome> SetSelTimeAsync(RpcCall call, SelSetTimeParams p)
    {
        var reader = SelReaderFor(call);
        var before = await reader.GetTimeAsync(call.CancellationToken).ConfigureAwait(false);
        // The host's clock is read again just before sending, so the time set is not behind by the Get's round trip.
        var wanted = p.Time ?? before.HostNow;
        var command = SetSelTime.At(wanted);
        var drift = before.Bmc.Utc is { } bmc ? bmc - wanted : (TimeSpan?)null;
        var changed = drift is not { } d || Math.Abs(d.TotalSeconds) > p.ToleranceSeconds;
        if (!changed || call.DryRun)
        {
            return new SelSetTimeOutcome(changed, call.DryRun, before, wanted, drift);
        }

        if (p.Time is null)
        {
            wanted = call.Host.Time.GetUtcNow();
            command = SetSelTime.At(wanted);
        }

        await call.Send.ExecuteAsync(command, call.CancellationToken).ConfigureAwait(false);
        return new SelSetTimeOutcome(Changed: true, DryRun: false, before, wanted, drift);
    }

    [RpcMethod("fru.read", "One FRU device's inventory (Get FRU Inventory Area Info + Read FRU Data, IPMI v2.0 §34): common header, chassis/board/product areas with every field encoding, custom fields, manufacture date, multi-records; every checksum verified and problems reported per area; raw bytes included. Reads are chunked and shrink on C7h/C8h/CAh, remembering the size that worked per BMC.",
        ResultName = "fru", FanOut = true, Ansible = "ipmi_fru_info", PowerShell = "Get-IpmiFru")]
    public static Task<FruReadResult> ReadFruAsync(RpcCall call, FruReadParams p)
    {
        var identity = call.Target.Identity;
        var reader = new FruReader(call.Send, FruChunkSizes, $"{identity.Transport}://{identity.Address}:{identity.Port}");
        return reader.ReadAsync(p.DeviceId, new FruDecodeOptions(p.Lenient, call.Target.Quirks), call.CancellationToken);
    }

    [RpcMethod("users.list", "User accounts of one channel (Get User Access + Get User Name per user id, IPMI v2.0 §22.27–22.29): name, enabled, privilege limit, callin, link authentication and IPMI messaging. Never a password.",
        ResultName = "users", FanOut = true, Ansible = "ipmi_user_info", PowerShell = "Get-IpmiUser")]
    public static async Task<UserList> ListUsersAsync(RpcCall call, UsersListParams p)
    {
        var channel = p.Channel ?? await LanConfigurationService.FindLanChannelAsync(call.Send, call.CancellationToken).ConfigureAwait(false);
        return await new UserLister(call.Send).ListAsync(channel, p.IncludeEmpty, call.CancellationToken).ConfigureAwait(false);
    }

    public sealed record SelInfoResult(SelInfo Info, SelClock Clock);

    public sealed record SelListParams
    {
        [Description("Keep only the last N records (after the other filters)."), Range(1, 65535)]
        public int? Last { get; init; }

        [Description("Only records after this record id, in SEL order."), Range(0, 65535)]
        public ushort? SinceRecordId { get; init; }

        [Description("Only records stamped at or after this time (ISO 8601); unstamped and uncorrected pre-init records drop out.")]
        public DateTimeOffset? Since { get; init; }

        [Description("The cursor a previous sel.list returned: only records added since then are read (the whole SEL again when it was cleared in between).")]
        public SelCursorParam? Cursor { get; init; }
    }

    public sealed record SelCursorParam
    {
        [Required]
        public uint MostRecentAddition { get; init; }

        [Required]
        public uint MostRecentErase { get; init; }

        [Required, Range(0, 65535)]
        public ushort Entries { get; init; }

        [Range(0, 65535)]
        public ushort? LastRecordId { get; init; }
    }

    public sealed record SelClearParams
    {
        [Description("Read every record before clearing and return them (no event is lost between reading and clearing)."), DefaultValue(true)]
        public bool FetchFirst { get; init; } = true;
    }

    public sealed record SelSetTimeParams
    {
        [Description("The time to set (ISO 8601; an offset is honoured). Default: the host's clock when the command is sent.")]
        public DateTimeOffset? Time { get; init; }

        [Description("Nothing is sent when the BMC's clock is already this close to the time (seconds)."), Range(0, 86400), DefaultValue(2)]
        public int ToleranceSeconds { get; init; } = 2;
    }

    /// <param name="Before">The BMC's clock as read before setting it.</param>
    /// <param name="Time">The time that was (or with dryRun would be) set.</param>
    /// <param name="Drift">BMC minus the wanted time before the change; null when the BMC counted seconds since initialisation.</param>
    public sealed record SelSetTimeOutcome(bool Changed, bool DryRun, SelClock Before, DateTimeOffset Time, TimeSpan? Drift);

    public sealed record FruReadParams
    {
        [Description("FRU device id (0: the BMC's own FRU)."), Range(0, 255), DefaultValue((byte)0)]
        public byte DeviceId { get; init; }

        [Description("Decode areas whose checksum fails anyway (still reported as checksumOk: false)."), DefaultValue(false)]
        public bool Lenient { get; init; }
    }

    public sealed record UsersListParams
    {
        [Description("Channel whose access settings are read; default: the first 802.3 LAN channel."), Range(0, 15)]
        public byte? Channel { get; init; }

        [Description("Also list unused user slots (ipmitool lists every slot)."), DefaultValue(false)]
        public bool IncludeEmpty { get; init; }
    }

    /// <param name="Plan">What the clear does (or would do, with dryRun).</param>
    /// <param name="Result">The records fetched before the clear and how it went; null with dryRun.</param>
    public sealed record SelClearOutcome(bool Changed, bool DryRun, SelClearPlan Plan, SelClearResult? Result);
}
