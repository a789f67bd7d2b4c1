using IpmiRpc.Core;
using IpmiRpc.Transports.Lan.Crypto;

namespace IpmiRpc.Transports.Lan.Tests.Crypto;

/// <summary>
/// AES-CBC-128 with the IPMI confidentiality trailer. Vectors from OpenSSL (python3 has no AES in its stdlib), key =
/// the first 16 bytes of the suite 17 K2 vector, IV 00..0F:
/// <code>
/// printf '2018c88104017a010203040506070808' | xxd -r -p | openssl enc -aes-128-cbc -K 031f9f794df5625e20f74c27c673f852 -iv 000102030405060708090a0b0c0d0e0f -nopad
/// printf '00112233445566778899aabbccddeeff0102030405060708090a0b0c0d0e0f0f' | xxd -r -p | openssl enc … (same key and IV)
/// </code>
/// </summary>
public sealed class AesCbc128Tests
{
    private static readonly byte[] K2 = Convert.FromHexString("031f9f794df5625e20f74c27c673f8528fdabd1b3820f3c6a64399d01bd5fb6b");
    private static readonly byte[] Iv = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");

    [Theory]
    // 7-byte Get Device ID request message: pad 01..08, pad length 08.
    [InlineData("2018c88104017a", "d7a4083b0de7c2df9b3f9d112c733aa1")]
    // 16 bytes: a whole extra block of pad 01..0F, pad length 0F.
    [InlineData("00112233445566778899aabbccddeeff", "76632e7440b076116d65a7762ccd86880c5f4762bf3dbdb3bb35bab26e0dcf1d")]
    public void Encrypts_like_openssl_and_decrypts_back(string plainHex, string cipherHex)
    {
        using var aes = new AesCbc128(K2);
        var plain = Convert.FromHexString(plainHex);
        var wire = new byte[AesCbc128.EncryptedLength(plain.Length)];
        Assert.Equal(wire.Length, aes.Encrypt(plain, Iv, wire));
        Assert.Equal(Iv, wire[..16]);
        Assert.Equal(cipherHex, Convert.ToHexString(wire[16..]).ToLowerInvariant());

        var back = new byte[wire.Length];
        var length = aes.Decrypt(wire, back);
        Assert.Equal(plain, back[..length]);
    }

    [Theory]
    [InlineData(0, 32)]
    [InlineData(14, 32)]
    [InlineData(15, 32)]
    [InlineData(16, 48)]
    [InlineData(31, 48)]
    public void Encrypted_length_is_iv_plus_whole_blocks_with_room_for_the_pad_length(int payload, int expected) =>
        Assert.Equal(expected, AesCbc128.EncryptedLength(payload));

    [Fact]
    public void Random_iv_differs_per_packet()
    {
        using var aes = new AesCbc128(K2);
        var a = new byte[32];
        var b = new byte[32];
        aes.Encrypt("abc"u8, a);
        aes.Encrypt("abc"u8, b);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Chains_blocks_as_the_one_shot_cbc_of_the_library_does_for_every_length()
    {
        // The class runs CBC over a session-long block transform; .NET's one-shot EncryptCbc/DecryptCbc is the reference.
        using var reference = System.Security.Cryptography.Aes.Create();
        reference.Key = K2[..16];
        using var aes = new AesCbc128(K2);
        var random = new Random(15);
        for (var length = 0; length <= 100; length++)
        {
            var payload = new byte[length];
            var iv = new byte[16];
            random.NextBytes(payload);
            random.NextBytes(iv);
            var wire = new byte[AesCbc128.EncryptedLength(length)];
            aes.Encrypt(payload, iv, wire);

            var padded = new byte[wire.Length - 16];
            payload.CopyTo(padded, 0);
            for (var i = length; i < padded.Length - 1; i++)
            {
                padded[i] = (byte)(i - length + 1);
            }

            padded[^1] = (byte)(padded.Length - length - 1);
            Assert.Equal(reference.EncryptCbc(padded, iv, System.Security.Cryptography.PaddingMode.None), wire[16..]);

            var back = new byte[wire.Length];
            Assert.Equal(payload, back[..aes.Decrypt(wire, back)]);
        }
    }

    [Fact]
    public void Random_ivs_are_never_repeated_across_batches()
    {
        using var aes = new AesCbc128(K2);
        var ivs = new HashSet<string>();
        var wire = new byte[32];
        for (var i = 0; i < 100; i++)
        {
            aes.Encrypt("abc"u8, wire);
            Assert.True(ivs.Add(Convert.ToHexString(wire, 0, 16)));
        }
    }

    [Theory]
    [InlineData(16)] // IV only
    [InlineData(40)] // not whole blocks
    public void Impossible_lengths_throw_decode_exception(int length)
    {
        using var aes = new AesCbc128(K2);
        Assert.Throws<IpmiDecodeException>(() => aes.Decrypt(new byte[length], new byte[64]));
    }

    [Fact]
    public void Impossible_pad_length_throws_decode_exception()
    {
        // Encrypt a block whose last byte (pad length) is 0x20: more than a block of pad is impossible.
        using var raw = System.Security.Cryptography.Aes.Create();
        raw.Key = K2[..16];
        var block = new byte[16];
        block[15] = 0x20;
        var wire = Iv.Concat(raw.EncryptCbc(block, Iv, System.Security.Cryptography.PaddingMode.None)).ToArray();
        using var aes = new AesCbc128(K2);
        Assert.Throws<IpmiDecodeException>(() => aes.Decrypt(wire, new byte[32]));
    }
}
