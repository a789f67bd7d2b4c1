namespace IpmiRpc.Core.Configuration;

/// <summary>Decodes parameter 0 of any family.</summary>
public static class SetInProgressStates
{
    /// <param name="what">The family, for the decode error.</param>
    public static SetInProgressState Decode(ReadOnlySpan<byte> data, string what)
    {
        IpmiDecodeException.ThrowIfShorter(data, 1, $"{what} parameter 0 (set in progress)");
        return (SetInProgressState)(data[0] & 0b11);
    }
}
