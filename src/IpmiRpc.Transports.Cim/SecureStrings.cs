using System.Buffers;
using System.Security;
using System.Text;
using IpmiRpc.Core;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Transports.Cim;

/// <summary>Builds the SecureString CimCredential wants straight from a secret's UTF-8 bytes, without a managed string.</summary>
internal static class SecureStrings
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static SecureString FromUtf8(ReadOnlySpan<byte> utf8)
    {
        var maxChars = StrictUtf8.GetMaxCharCount(utf8.Length);
        char[]? rented = null;
        var buffer = maxChars <= 256 ? stackalloc char[256] : (rented = ArrayPool<char>.Shared.Rent(maxChars));
        try
        {
            int count;
            try
            {
                count = StrictUtf8.GetChars(utf8, buffer);
            }
            catch (DecoderFallbackException)
            {
                throw new IpmiAuthenticationException(IpmiTarget.Cim, "The cim password is not valid UTF-8");
            }

            var secure = new SecureString();
            foreach (var c in buffer[..count])
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }
        finally
        {
            buffer.Clear();
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }
}
