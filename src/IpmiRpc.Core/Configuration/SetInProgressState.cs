namespace IpmiRpc.Core.Configuration;

/// <summary>Parameter 0 of every configuration family: where the set-in-progress protocol stands (bits 1:0).</summary>
public enum SetInProgressState
{
    Complete = 0,
    InProgress = 1,
    CommitWrite = 2,
    Reserved = 3,
}
