using System.Runtime.InteropServices;
using System.Security;
using System.Text;
using IpmiRpc.Core;

namespace IpmiRpc.Transports.Cim.Tests;

public class SecureStringsTests
{
    [Theory]
    [InlineData("")]
    [InlineData("p@ss w0rd")]
    [InlineData("Grüße-пароль-密码-🔑")]
    public void Round_trips_the_utf8_secret(string password)
    {
        using var secure = SecureStrings.FromUtf8(Encoding.UTF8.GetBytes(password));

        Assert.True(secure.IsReadOnly());
        Assert.Equal(password, Reveal(secure));
    }

    [Fact]
    public void Long_secret_goes_through_the_pooled_buffer()
    {
        var password = new string('k', 300) + "é";
        using var secure = SecureStrings.FromUtf8(Encoding.UTF8.GetBytes(password));

        Assert.Equal(password, Reveal(secure));
    }

    [Fact]
    public void Invalid_utf8_is_refused_without_showing_the_bytes()
    {
        var ex = Assert.Throws<IpmiAuthenticationException>(() => SecureStrings.FromUtf8([0x41, 0xFF, 0xFE, 0x42]));

        Assert.DoesNotContain("FF", ex.Message, StringComparison.Ordinal);
        Assert.Null(ex.InnerException);
    }

    private static string Reveal(SecureString secure)
    {
        var ptr = Marshal.SecureStringToGlobalAllocUnicode(secure);
        try
        {
            return Marshal.PtrToStringUni(ptr, secure.Length);
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(ptr);
        }
    }
}
