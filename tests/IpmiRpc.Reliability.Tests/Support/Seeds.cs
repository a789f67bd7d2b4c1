namespace IpmiRpc.Reliability.Tests.Support;

/// <summary>Seeds are fixed so failures reproduce; IPMIRPC_RELIABILITY_SEED shifts them all to explore.</summary>
public static class Seeds
{
    public static int Adjust(int seed) =>
        int.TryParse(Environment.GetEnvironmentVariable("IPMIRPC_RELIABILITY_SEED"), out var shift) ? seed + shift : seed;
}
