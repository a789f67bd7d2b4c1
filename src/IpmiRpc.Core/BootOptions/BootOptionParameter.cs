namespace IpmiRpc.Core.BootOptions;

/// <summary>Boot option parameter selectors. IPMI v2.0 §28.13, Table 28-14.</summary>
public enum BootOptionParameter : byte
{
    SetInProgress = 0,
    ServicePartitionSelector = 1,
    ServicePartitionScan = 2,
    BootFlagValidBitClearing = 3,
    BootInfoAcknowledge = 4,
    BootFlags = 5,
    BootInitiatorInfo = 6,
    BootInitiatorMailbox = 7,
}
