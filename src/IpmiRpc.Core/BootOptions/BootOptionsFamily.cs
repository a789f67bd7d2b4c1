using IpmiRpc.Core.Commands.Chassis;
using IpmiRpc.Core.Configuration;

namespace IpmiRpc.Core.BootOptions;

/// <summary>
/// The system boot options (IPMI v2.0 §28.12–28.13) as a configuration family: parameter 0 is its own set in
/// progress, parameter 4 tells the BMC which boot initiators have seen the boot info, parameter 5 the boot flags.
/// </summary>
public static class BootOptionsFamily
{
    public static readonly ConfigParameter<BootOptionParameter, SetInProgressState> SetInProgress =
        new(BootOptionParameter.SetInProgress, data => SetInProgressStates.Decode(data, "Boot option"));

    public static readonly ConfigParameter<BootOptionParameter, BootInfoAcknowledge> BootInfoAcknowledge =
        new(BootOptionParameter.BootInfoAcknowledge, BootOptions.BootInfoAcknowledge.Decode, BootOptions.BootInfoAcknowledge.Encode);

    public static readonly ConfigParameter<BootOptionParameter, BootFlags> BootFlags =
        new(BootOptionParameter.BootFlags, BootOptions.BootFlags.Decode, BootOptions.BootFlags.Encode);

    public static ConfigurationFamily<BootOptionParameter> Family { get; } = new(
        (parameter, setSelector) => new GetSystemBootOptions((byte)parameter, setSelector).Select(r => r.Data),
        (parameter, data) => new SetSystemBootOptions((byte)parameter, data),
        BootOptionParameter.SetInProgress);
}
