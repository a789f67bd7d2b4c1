using IpmiRpc.Core.Commands.App;
using IpmiRpc.Core.Configuration;

namespace IpmiRpc.Core.SystemInfo;

/// <summary>Get/Set System Info Parameters (IPMI v2.0 §22.14a/b) as a configuration family.</summary>
public static class SystemInfoFamily
{
    public static readonly ConfigParameter<SystemInfoParameter, SetInProgressState> SetInProgress = new(SystemInfoParameter.SetInProgress, data => SetInProgressStates.Decode(data, "System info"));

    /// <summary>The string parameters 1–7, in selector order: each spans set selectors 0… in 16-byte blocks.</summary>
    public static IReadOnlyList<SystemInfoParameter> Strings { get; } =
        Enum.GetValues<SystemInfoParameter>().Where(p => p != SystemInfoParameter.SetInProgress).ToArray();

    public static ConfigurationFamily<SystemInfoParameter> Family { get; } = new(
        (parameter, setSelector) => new GetSystemInfoParameters((byte)parameter, setSelector).Select(r => r.Data),
        (parameter, data) => new SetSystemInfoParameters((byte)parameter, data),
        SystemInfoParameter.SetInProgress);
}
