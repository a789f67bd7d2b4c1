namespace IpmiRpc.Core.Targets;

/// <summary>IPMI v2.0 §6.8 privilege levels, as carried in Open Session and Set Session Privilege Level.</summary>
public enum PrivilegeLevel : byte
{
    Callback = 1,
    User = 2,
    Operator = 3,
    Administrator = 4,
    Oem = 5,
}
