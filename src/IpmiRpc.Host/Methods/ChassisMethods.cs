using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using IpmiRpc.Core;
using IpmiRpc.Core.BootOptions;
using IpmiRpc.Core.Commands.Chassis;
using IpmiRpc.Core.Configuration;
using IpmiRpc.Host.Methods.Declarations;
using IpmiRpc.Host.Protocol;

namespace IpmiRpc.Host.Methods;

/// <summary>Chassis: power, restore policy, faults, identify (IPMI v2.0 §28).</summary>
public static class ChassisMethods
{
    /// <summary>Between two Get Chassis Status polls while waiting for a power state (FreeIPMI ipmipower's interval).</summary>
    internal static readonly TimeSpan PowerPollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>How long <c>wait</c> polls when the request has no <c>timeoutMs</c>: a wait is never unbounded.</summary>
    internal static readonly TimeSpan DefaultWaitLimit = TimeSpan.FromMinutes(5);

    [RpcMethod("chassis.getStatus", "Power state, power-restore policy, last power event, faults, intrusion, identify state and front-panel buttons (Get Chassis Status, IPMI v2.0 §28.2), decoded.",
        ResultName = "status", FanOut = true, Ansible = "ipmi_chassis_info", PowerShell = "Get-IpmiChassisStatus")]
    public static Task<ChassisStatus> GetStatusAsync(RpcCall call) => ReadStatusAsync(call, call.CancellationToken);

    [RpcMethod("chassis.getRestartCause", "Why the system last restarted (power button, Chassis Control, watchdog, PEF, restore policy, ...) and the channel a restarting command came in on (Get System Restart Cause, IPMI v2.0 §28.11).",
        Description = "cause is unknown when the BMC cannot tell; reserved for a value the spec does not define.",
        ResultName = "restartCause", FanOut = true, Ansible = "ipmi_restart_cause_info", PowerShell = "Get-IpmiRestartCause")]
    public static Task<SystemRestartCause> GetRestartCauseAsync(RpcCall call) =>
        call.Send.ExecuteAsync(new GetSystemRestartCause(), call.CancellationToken);

    [RpcMethod("chassis.setPower", "Powers the host on or off, cycles, resets, soft-shuts down (ACPI) or pulses a diagnostic interrupt (Chassis Control, IPMI v2.0 §28.3), only where the action applies: on only when off; off/softOff/cycle/reset/diag only when on (otherwise changed false with the reason, nothing sent). Get Chassis Status is read first. Chassis Control is sent at most once: when its answer is lost it is not re-sent (a BMC may run a repeated request again); the status is read instead.",
        Description = "Right after Chassis Control the status may still show the old state (the spec lets the BMC answer first); wait polls Get Chassis Status every 500 ms until the state the action leads to is reached, bounded by timeoutMs (default 5 minutes), and fails with -32004 carrying the last state seen.",
        ResultName = "power", Mutating = true, FanOut = true, Ansible = "ipmi_power", PowerShell = "Set-IpmiPowerState", ConfirmImpact = "High")]
    public static async Task<SetPowerResult> SetPowerAsync(RpcCall call, SetPowerParams p)
    {
        var started = call.Host.Time.GetTimestamp();
        var previousOn = (await ReadStatusAsync(call, call.CancellationToken).ConfigureAwait(false)).PowerOn;
        var previous = new PowerState(previousOn);
        var desired = new PowerState(p.Action is not (PowerAction.Off or PowerAction.SoftOff));
        var control = ControlFor(p.Action);
        if (NotApplicableBecause(p.Action, previousOn) is { } reason)
        {
            return new SetPowerResult(false, p.Action, false, null, previous, desired, previous, reason);
        }

        if (call.DryRun)
        {
            return new SetPowerResult(true, p.Action, false, control, previous, desired, previous, null);
        }

        var answered = await SendOnceAsync(call, new ChassisControl(control)).ConfigureAwait(false);
        if (answered && !p.Wait)
        {
            return new SetPowerResult(true, p.Action, true, control, previous, desired, null, null);
        }

        if (!answered && p.Action is PowerAction.Cycle or PowerAction.Reset or PowerAction.Diag)
        {
            // The power bit reads "on" whether or not a reset, cycle or NMI happened: the outcome cannot be observed.
            var now = (await ReadStatusAsync(call, call.CancellationToken).ConfigureAwait(false)).PowerOn;
            throw new PowerStateException(
                $"No answer to Chassis Control ({control}); not re-sent because a BMC may run a repeated request again, and its outcome cannot be read from the power state",
                p.Action, desired, new PowerState(now), controlAnswered: false, call.Target.TimeoutMs);
        }

        var current = await PollPowerAsync(call, p, desired, pollUntilDeadline: p.Wait, answered, started).ConfigureAwait(false);
        var lostAnswer = answered ? null : "No answer to Chassis Control within one attempt; not re-sent (a BMC may run a repeated request again); Get Chassis Status shows the requested state";
        return new SetPowerResult(true, p.Action, true, control, previous, desired, current, lostAnswer);
    }

    [RpcMethod("chassis.identify", "Lights the chassis identify indicator for a number of seconds (default: the BMC's, 15 s), indefinitely (force, IPMI 2.0) or turns it off (Chassis Identify, IPMI v2.0 §28.5). An interval alone is sent in the one-byte IPMI 1.5 form.",
        ResultName = "identify", Mutating = true, FanOut = true, Ansible = "ipmi_identify", PowerShell = "Start-IpmiIdentify", ConfirmImpact = "Low")]
    public static async Task<IdentifyResult> IdentifyAsync(RpcCall call, IdentifyParams p)
    {
        var given = new[] { ("seconds", p.Seconds is not null), ("force", p.Force == true), ("off", p.Off == true) }
            .Where(g => g.Item2).Select(g => g.Item1).ToArray();
        if (given.Length > 1)
        {
            throw new RpcParamException(given[1], $"cannot be combined with {given[0]}: give at most one of seconds, force, off");
        }

        byte? seconds = p.Off == true ? (byte)0 : (byte?)p.Seconds;
        var force = p.Force == true;
        if (!call.DryRun)
        {
            await call.Send.ExecuteAsync(new ChassisIdentify(seconds, force), call.CancellationToken).ConfigureAwait(false);
        }

        return new IdentifyResult(!call.DryRun, seconds, force);
    }

    [RpcMethod("chassis.setPowerRestorePolicy", "Sets what the chassis does when AC power returns (Set Power Restore Policy, IPMI v2.0 §28.8). Idempotent: Get Chassis Status is read first and nothing is sent when the policy is already set.",
        ResultName = "policy", Mutating = true, FanOut = true, Ansible = "ipmi_power_restore_policy", PowerShell = "Set-IpmiPowerRestorePolicy", ConfirmImpact = "Medium")]
    public static async Task<SetPowerRestorePolicyResult> SetPowerRestorePolicyAsync(RpcCall call, SetPowerRestorePolicyParams p)
    {
        var previous = PolicyOf(await ReadStatusAsync(call, call.CancellationToken).ConfigureAwait(false));
        if (previous == p.Policy)
        {
            return new SetPowerRestorePolicyResult(false, previous, p.Policy, false, null, "the policy is already " + EnumNames.Of(typeof(RestorePolicy)).First(n => n.Value.Equals(p.Policy)).Name);
        }

        if (call.DryRun)
        {
            return new SetPowerRestorePolicyResult(true, previous, p.Policy, false, null, null);
        }

        var supported = await call.Send.ExecuteAsync(new SetPowerRestorePolicy(SettingOf(p.Policy)), call.CancellationToken).ConfigureAwait(false);
        return new SetPowerRestorePolicyResult(true, previous, p.Policy, true, supported, null);
    }

    [RpcMethod("chassis.getBootDevice", "Reads the boot override, boot flags parameter 5 (Get System Boot Options, IPMI v2.0 §28.13), as the BMC reports it: device, persistent, EFI and the valid bit.",
        Description = "override tells a pending override (valid bit set) from none (no device selected) from cleared (a device is still selected but the valid bit is clear: consumed by a boot, expired after 60 s, or cleared by the BMC). BMCs that zero the whole parameter after a boot read as none.",
        ResultName = "bootDevice", FanOut = true, Ansible = "ipmi_boot_info", PowerShell = "Get-IpmiBootDevice")]
    public static Task<BootDeviceState> GetBootDeviceAsync(RpcCall call) => ReadBootDeviceAsync(call);

    [RpcMethod("chassis.setBootDevice", "Sets the boot override (boot flags parameter 5, Set System Boot Options, IPMI v2.0 §28.12) inside the set-in-progress protocol, then marks the boot info unacknowledged for the BIOS (parameter 4), and reads it back. Idempotent: nothing is written when the override read first already matches; none clears the override.",
        Description = "A BMC without parameter 0 (set in progress) gets the parameter writes alone. Some BMCs do not keep persistent/EFI (the read-back shows what was kept).",
        ResultName = "bootDevice", Mutating = true, FanOut = true, Ansible = "ipmi_boot", PowerShell = "Set-IpmiBootDevice", ConfirmImpact = "Medium")]
    public static async Task<SetBootDeviceResult> SetBootDeviceAsync(RpcCall call, SetBootDeviceParams p)
    {
        var previous = await ReadBootDeviceAsync(call).ConfigureAwait(false);
        var desired = new BootDeviceRequest(p.Device, p.Device != BootDeviceChoice.None && p.Persistent, p.Device != BootDeviceChoice.None && p.Efi);
        var satisfied = p.Device == BootDeviceChoice.None
            ? !previous.Valid || previous.Selector == 0
            : previous.Valid && previous.Device == p.Device && previous.Persistent == p.Persistent && previous.Efi == p.Efi;
        if (satisfied)
        {
            return new SetBootDeviceResult(false, false, previous, desired, previous, "the boot override already matches");
        }

        if (call.DryRun)
        {
            return new SetBootDeviceResult(true, false, previous, desired, null, null);
        }

        var writes = new List<ParameterWrite<BootOptionParameter>>();
        if (p.Device == BootDeviceChoice.None)
        {
            writes.Add(BootOptionsFamily.BootFlags.Write(new BootFlags(false, false, false, BootDevice.NoOverride)));
        }
        else
        {
            writes.Add(BootOptionsFamily.BootFlags.Write(new BootFlags(true, p.Persistent, p.Efi, CoreDevice(p.Device))));
            // Bit 0 (BIOS/POST) written as 0: the BIOS has not yet seen this boot info.
            writes.Add(BootOptionsFamily.BootInfoAcknowledge.Write(new BootInfoAcknowledge(0b0000_0001, 0)));
        }

        var family = BootOptionsFamily.Family;
        if (await family.ReadAsync(call.Send, BootOptionParameter.SetInProgress, 0, call.CancellationToken).ConfigureAwait(false) is null)
        {
            // No parameter 0 to lock (fakebmc: 80h; ipmi_sim: CCh): the writes alone.
            foreach (var write in writes)
            {
                await call.Send.ExecuteAsync(new SetSystemBootOptions((byte)write.Selector, write.Data), call.CancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            await family.WriteAsync(call.Send, writes, call.CancellationToken).ConfigureAwait(false);
        }

        var current = await ReadBootDeviceAsync(call).ConfigureAwait(false);
        return new SetBootDeviceResult(true, true, previous, desired, current, null);
    }

    private static async Task<BootDeviceState> ReadBootDeviceAsync(RpcCall call)
    {
        var response = await call.Send.ExecuteAsync(new GetSystemBootOptions((byte)BootOptionParameter.BootFlags), call.CancellationToken).ConfigureAwait(false);
        var flags = BootFlags.Decode(response.Data);
        var selector = (int)flags.Device;
        var state = flags.Valid ? BootOverride.Pending : selector == 0 ? BootOverride.None : BootOverride.Cleared;
        return new BootDeviceState(DeviceName(flags.Device), selector, flags.Persistent, flags.Efi, flags.Valid, state);
    }

    private static readonly (BootDeviceChoice Name, BootDevice Device)[] BootDevices =
    [
        (BootDeviceChoice.None, BootDevice.NoOverride),
        (BootDeviceChoice.Pxe, BootDevice.Pxe),
        (BootDeviceChoice.Disk, BootDevice.Disk),
        (BootDeviceChoice.Safe, BootDevice.DiskSafeMode),
        (BootDeviceChoice.Diag, BootDevice.DiagnosticPartition),
        (BootDeviceChoice.Cdrom, BootDevice.CdDvd),
        (BootDeviceChoice.Bios, BootDevice.BiosSetup),
        (BootDeviceChoice.RemoteFloppy, BootDevice.RemoteFloppy),
        (BootDeviceChoice.RemoteCdrom, BootDevice.RemoteCdDvd),
        (BootDeviceChoice.RemoteDisk, BootDevice.RemoteDisk),
        (BootDeviceChoice.Floppy, BootDevice.Floppy),
    ];

    private static BootDevice CoreDevice(BootDeviceChoice name) => BootDevices.First(d => d.Name == name).Device;

    private static BootDeviceChoice? DeviceName(BootDevice device) =>
        BootDevices.Where(d => d.Device == device).Select(d => (BootDeviceChoice?)d.Name).FirstOrDefault();

    // The one place chassis methods read Get Chassis Status.
    private static Task<ChassisStatus> ReadStatusAsync(RpcCall call, CancellationToken cancellationToken) =>
        call.Send.ExecuteAsync(new GetChassisStatus(), cancellationToken);

    /// <summary>Dell redfish_powerstate's applicability rule: null when the action applies to the present state.</summary>
    internal static string? NotApplicableBecause(PowerAction action, bool powerOn) => (action, powerOn) switch
    {
        (PowerAction.On, true) => "power is already on",
        (PowerAction.Off or PowerAction.SoftOff, false) => "power is already off",
        (PowerAction.Cycle or PowerAction.Reset or PowerAction.Diag, false) =>
            "power is off: cycle, reset and diag apply only when on (for a power cycle while off IPMI v2.0 §28.3 recommends the BMC do nothing and answer D5h); use action on",
        _ => null,
    };

    private static ChassisControlAction ControlFor(PowerAction action) => action switch
    {
        PowerAction.On => ChassisControlAction.PowerUp,
        PowerAction.Off => ChassisControlAction.PowerDown,
        PowerAction.Cycle => ChassisControlAction.PowerCycle,
        PowerAction.Reset => ChassisControlAction.HardReset,
        PowerAction.SoftOff => ChassisControlAction.SoftShutdown,
        PowerAction.Diag => ChassisControlAction.PulseDiagnosticInterrupt,
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };

    /// <summary>
    /// Sends Chassis Control in ONE attempt. The lanplus transport retransmits an unanswered request with the same rqSeq
    /// but a new session sequence number, and a BMC need not recognise that as a duplicate; the session pool re-sends
    /// once on a fresh session after a timeout. Either could power-cycle or reset twice, so the attempt is cancelled
    /// before the first retransmission would leave. False when no answer came (the outcome is unknown).
    /// </summary>
    private static async Task<bool> SendOnceAsync(RpcCall call, ChassisControl command)
    {
        var oneAttempt = TimeSpan.FromMilliseconds(Math.Max(1, call.Target.TimeoutMs * 9 / 10));
        using var attempt = new CancellationTokenSource(oneAttempt, call.Host.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(attempt.Token, call.CancellationToken);
        try
        {
            await call.Send.ExecuteAsync(command, linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (attempt.IsCancellationRequested && !call.CancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (IpmiTimeoutException) when (!call.CancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// Reads the power state until it is <paramref name="desired"/> (once when not <paramref name="pollUntilDeadline"/>).
    /// The deadline falls just before the request's timeoutMs so the error can still carry the last state seen.
    /// </summary>
    private static async Task<PowerState> PollPowerAsync(RpcCall call, SetPowerParams p, PowerState desired, bool pollUntilDeadline, bool answered, long started)
    {
        var time = call.Host.Time;
        var timeoutMs = call.Params.OptionalInt(MethodDeclaration.TimeoutParam, 1, MethodEndpoint.MaxTimeoutMs);
        var budget = timeoutMs is { } ms ? TimeSpan.FromMilliseconds(ms - Math.Clamp(ms / 20, 1, 500)) : DefaultWaitLimit;
        var remaining = budget - time.GetElapsedTime(started);
        using var deadline = new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.FromTicks(1), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, call.CancellationToken);
        PowerState? last = null;
        try
        {
            while (true)
            {
                last = new PowerState((await ReadStatusAsync(call, linked.Token).ConfigureAwait(false)).PowerOn);
                if (last == desired)
                {
                    return last;
                }

                if (!pollUntilDeadline)
                {
                    break;
                }

                await Task.Delay(PowerPollInterval, time, linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            // Our deadline comes first, but on a busy machine the request's own may have passed too by the time this
            // runs: report the state seen either way (the endpoint would otherwise answer a bare -32004).
        }

        var seen = last is null ? "no status read" : last.PowerOn ? "on" : "off";
        var message = answered
            ? $"Power did not turn {(desired.PowerOn ? "on" : "off")} before the deadline; last seen: {seen}"
            : $"No answer to Chassis Control ({p.Action}); not re-sent because a BMC may run a repeated request again; power has not turned {(desired.PowerOn ? "on" : "off")} (last seen: {seen})";
        throw new PowerStateException(message, p.Action, desired, last, answered, timeoutMs ?? (int)DefaultWaitLimit.TotalMilliseconds);
    }

    private static RestorePolicy? PolicyOf(ChassisStatus status) => status.PowerRestorePolicy switch
    {
        PowerRestorePolicy.AlwaysOff => RestorePolicy.AlwaysOff,
        PowerRestorePolicy.Previous => RestorePolicy.Previous,
        PowerRestorePolicy.AlwaysOn => RestorePolicy.AlwaysOn,
        _ => null,
    };

    private static PowerRestorePolicySetting SettingOf(RestorePolicy policy) => policy switch
    {
        RestorePolicy.AlwaysOff => PowerRestorePolicySetting.AlwaysOff,
        RestorePolicy.Previous => PowerRestorePolicySetting.Previous,
        RestorePolicy.AlwaysOn => PowerRestorePolicySetting.AlwaysOn,
        _ => throw new ArgumentOutOfRangeException(nameof(policy)),
    };

    /// <summary>What <c>chassis.setPower</c> does.</summary>
    public enum PowerAction
    {
        On,
        Off,
        Cycle,
        Reset,
        SoftOff,
        Diag,
    }

    /// <summary>A power restore policy as set by <c>chassis.setPowerRestorePolicy</c>.</summary>
    public enum RestorePolicy
    {
        AlwaysOn,
        AlwaysOff,
        Previous,
    }

    /// <summary>A boot device as <c>chassis.setBootDevice</c> takes it (ipmitool's bootdev names).</summary>
    public enum BootDeviceChoice
    {
        None,
        Pxe,
        Disk,
        Safe,
        Diag,
        Cdrom,
        Bios,
        RemoteFloppy,
        RemoteCdrom,
        RemoteDisk,
        Floppy,
    }

    /// <summary>Where a boot override stands.</summary>
    public enum BootOverride
    {
        /// <summary>The valid bit is set: the next boot (or every boot, if persistent) uses it.</summary>
        Pending,

        /// <summary>No device selected and not valid: no override (never set, or zeroed by the BMC).</summary>
        None,

        /// <summary>A device is still selected but the valid bit is clear: consumed by a boot, expired, or cleared.</summary>
        Cleared,
    }

    public sealed record SetBootDeviceParams
    {
        [Required, Description("The device for the next boot (or every boot with persistent); none clears the override.")]
        public BootDeviceChoice Device { get; init; }

        [Description("Apply to all future boots, not only the next one."), DefaultValue(false)]
        public bool Persistent { get; init; }

        [Description("Boot type EFI rather than legacy (PC compatible)."), DefaultValue(false)]
        public bool Efi { get; init; }
    }

    public sealed record SetPowerParams
    {
        [Required, Description("on: power up (only when off); off: hard power down; softOff: ACPI soft shutdown (both only when on); cycle, reset, diag (diagnostic interrupt/NMI): only when on.")]
        public PowerAction Action { get; init; }

        [Description("Poll Get Chassis Status until the state the action leads to (off for off/softOff, else on) is reached, within timeoutMs (default 5 minutes)."), DefaultValue(false)]
        public bool Wait { get; init; }
    }

    public sealed record IdentifyParams
    {
        [Range(0, 255), Description("Seconds to identify; 0 turns it off. Default: the BMC's (15 s).")]
        public int? Seconds { get; init; }

        [Description("Identify on until turned off (IPMI 2.0 force byte).")]
        public bool? Force { get; init; }

        [Description("Turn identify off (seconds 0).")]
        public bool? Off { get; init; }
    }

    public sealed record SetPowerRestorePolicyParams
    {
        [Required, Description("alwaysOn, alwaysOff, or previous (restore the state before AC was lost).")]
        public RestorePolicy Policy { get; init; }
    }
}

/// <summary>The system power state as Get Chassis Status reports it.</summary>
public sealed record PowerState([property: Description("System power is on.")] bool PowerOn);

/// <summary>The outcome of <c>chassis.setPower</c>.</summary>
public sealed record SetPowerResult(
    [property: Description("The action applied to the state read first (with dryRun: would apply).")] bool Changed,
    ChassisMethods.PowerAction Action,
    [property: Description("A Chassis Control was sent (false with dryRun or when not applicable).")] bool Sent,
    [property: Description("The Chassis Control that was (or with dryRun would be) sent; null when the action does not apply.")] ChassisControlAction? WouldSend,
    [property: Description("The power state read before anything was sent.")] PowerState Previous,
    [property: Description("The state the action leads to.")] PowerState Desired,
    [property: Description("The power state read after the action (with wait, or when the answer was lost); the state read first when nothing was sent; null otherwise (it may still read stale).")] PowerState? Current,
    [property: Description("Why nothing was sent, or what happened when the answer was lost.")] string? Reason);

/// <summary>Boot flags parameter 5 as read back.</summary>
public sealed record BootDeviceState(
    [property: Description("The selected device; null for a selector without a name here (e.g. remote primary media, reserved).")] ChassisMethods.BootDeviceChoice? Device,
    [property: Description("The raw boot device selector (data 2 bits 5:2).")] int Selector,
    [property: Description("Applies to all future boots.")] bool Persistent,
    [property: Description("Boot type EFI.")] bool Efi,
    [property: Description("The valid bit.")] bool Valid,
    [property: Description("pending (valid), none (no device), cleared (device kept, valid bit clear: consumed, expired or cleared).")] ChassisMethods.BootOverride Override);

/// <summary>The boot override asked for.</summary>
public sealed record BootDeviceRequest(ChassisMethods.BootDeviceChoice Device, bool Persistent, bool Efi);

/// <summary>The outcome of <c>chassis.setBootDevice</c>.</summary>
public sealed record SetBootDeviceResult(
    [property: Description("The override differed (with dryRun: would be written).")] bool Changed,
    [property: Description("Set System Boot Options was sent.")] bool Sent,
    [property: Description("The override read first.")] BootDeviceState Previous,
    BootDeviceRequest Desired,
    [property: Description("The override read back after the write; the one read first when nothing was written; null with dryRun.")] BootDeviceState? Current,
    [property: Description("Why nothing was written.")] string? Reason);

/// <summary>The outcome of <c>chassis.identify</c>.</summary>
public sealed record IdentifyResult(
    [property: Description("Chassis Identify was sent (false with dryRun).")] bool Sent,
    [property: Description("The interval sent; 0 is off; null is the BMC's default.")] int? Seconds,
    [property: Description("Identify forced on indefinitely.")] bool Force);

/// <summary>The outcome of <c>chassis.setPowerRestorePolicy</c>.</summary>
public sealed record SetPowerRestorePolicyResult(
    [property: Description("The policy differed (with dryRun: would be set).")] bool Changed,
    [property: Description("The policy read first; null when the BMC reports it as unknown.")] ChassisMethods.RestorePolicy? Previous,
    [property: Description("The policy asked for.")] ChassisMethods.RestorePolicy Desired,
    [property: Description("Set Power Restore Policy was sent.")] bool Sent,
    [property: Description("The policies the BMC says it supports (from its answer); null when nothing was sent.")] SupportedPowerRestorePolicies? Supported,
    [property: Description("Why nothing was sent.")] string? Reason);

/// <summary>
/// Power did not reach the requested state in time, or the answer to Chassis Control was lost (and it was not re-sent):
/// -32004 with the last state seen.
/// </summary>
public sealed class PowerStateException(string message, ChassisMethods.PowerAction action, PowerState desired, PowerState? lastSeen, bool controlAnswered, int timeoutMs)
    : IpmiException(message)
{
    public override IpmiErrorKind Kind => IpmiErrorKind.Timeout;

    /// <summary>The shared timeout data (timeoutMs; retries 0: Chassis Control gets one attempt) plus the power facts.</summary>
    public override IReadOnlyDictionary<string, object?> Details => new Dictionary<string, object?>
    {
        ["timeoutMs"] = timeoutMs,
        ["retries"] = 0,
        ["action"] = action,
        ["desired"] = desired,
        ["lastSeen"] = lastSeen,
        ["controlAnswered"] = controlAnswered,
        ["resent"] = false,
    };
}
