namespace IpmiRpc.Core.Commands.Chassis;

/// <summary>
/// Chassis Control (Chassis 02h). IPMI v2.0 §28.3, Table 28-4. Completion code only. The spec lets the BMC answer
/// before the power change has happened, so Get Chassis Status may read the old state for a while afterwards.
/// Not idempotent for cycle/reset/diag: a caller must not send it twice for one intent.
/// </summary>
public sealed record ChassisControl(ChassisControlAction Action) : IIpmiCommand<EmptyResponse>
{
    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(ChassisControl));

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData => new[] { (byte)Action };

    public EmptyResponse Decode(ReadOnlySpan<byte> data) => EmptyResponse.Instance;
}

/// <summary>Chassis control values (request byte 1 bits 3:0).</summary>
public enum ChassisControlAction : byte
{
    /// <summary>Power down (hard off, no orderly OS shutdown).</summary>
    PowerDown = 0,
    PowerUp = 1,

    /// <summary>Power cycle: off, at least 1 s, on. The spec leaves it to the BMC to refuse it while off (e.g. D5h).</summary>
    PowerCycle = 2,
    HardReset = 3,

    /// <summary>Pulse a diagnostic interrupt (NMI) to the processor(s).</summary>
    PulseDiagnosticInterrupt = 4,

    /// <summary>Initiate a soft shutdown of the OS via ACPI (emulated fatal overtemperature).</summary>
    SoftShutdown = 5,
}
