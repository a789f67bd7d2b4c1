namespace IpmiRpc.TestSupport;

/// <summary>How to configure one ipmi_sim instance (see tests/fixtures/ipmi_sim and its peers.md).</summary>
public sealed record IpmiSimOptions
{
    /// <summary>Load tests/fixtures/ipmi_sim/sysinfo_plugin.so so the BMC answers Get/Set System Info (06/59, 06/58).</summary>
    public bool SystemInfoPlugin { get; init; }

    /// <summary>
    /// Options for the plugin (see sysinfo_plugin.c): e.g. <c>"unsupported=3,4"</c> makes those parameters answer
    /// 0x80 (not supported). Null: defaults.
    /// </summary>
    public string? SystemInfoPluginOptions { get; init; }

    /// <summary>Adds <c>serial 15 127.0.0.1 P codec VM</c>: the TCP port QEMU's ipmi-bmc-extern connects to.</summary>
    public int? QemuSerialPort { get; init; }

    /// <summary>A <c>lan_config_program</c> command line (enables the set-in-progress commit protocol).</summary>
    public string? LanConfigProgram { get; init; }

    /// <summary>Extra lines appended to lan.conf after the users (top level, not inside the LAN block).</summary>
    public IReadOnlyList<string> ExtraLanConf { get; init; } = [];

    /// <summary>Extra lines inside the <c>startlan 1</c> … <c>endlan</c> block.</summary>
    public IReadOnlyList<string> ExtraLanChannelConf { get; init; } = [];

    /// <summary>Extra lines appended to the emu command file (after <c>mc_enable 0x20</c>).</summary>
    public IReadOnlyList<string> ExtraEmu { get; init; } = [];

    /// <summary>More users (numbered from 3 on, admin privilege).</summary>
    public IReadOnlyList<(string User, string Password)> ExtraUsers { get; init; } = [];

    /// <summary>How long to wait for the simulator to answer before giving up.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
