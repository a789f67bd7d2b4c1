namespace IpmiRpc.Core;

/// <summary>The BMC's answer: the completion code and the data bytes that follow it.</summary>
public sealed record IpmiResponse(byte CompletionCode, ReadOnlyMemory<byte> Data)
{
    public bool IsSuccess => CompletionCode == 0;

    /// <summary>Throws <see cref="CompletionCodeException"/> unless the completion code is 00h.</summary>
    public IpmiResponse EnsureSuccess(byte netFn, byte command)
    {
        if (CompletionCode != 0)
        {
            throw new CompletionCodeException(CompletionCode, netFn, command, Data.ToArray());
        }

        return this;
    }
}
