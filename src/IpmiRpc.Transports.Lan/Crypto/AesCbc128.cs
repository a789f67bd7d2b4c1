using System.Security.Cryptography;
using IpmiRpc.Core;

namespace IpmiRpc.Transports.Lan.Crypto;

/// <summary>
/// AES-CBC-128 confidentiality (IPMI v2.0 §13.29, Table 13-20): a random 16-byte IV, then the payload followed by
/// pad bytes 01h, 02h, … and a pad-length byte, encrypted with the first 16 bytes of K2. No PKCS#7.
/// </summary>
internal sealed class AesCbc128 : IDisposable
{
    public const byte Id = 0x01;
    public const string Name = "AES-CBC-128";
    public const int BlockSize = 16;
    public const int KeyLength = 16;

    private readonly Aes _aes;
    private readonly Lock _lock = new();

    public AesCbc128(ReadOnlySpan<byte> k2)
    {
        if (k2.Length < KeyLength)
        {
            throw new ArgumentException("K2 shorter than an AES-128 key", nameof(k2));
        }

        _aes = Aes.Create();
        _aes.Key = k2[..KeyLength].ToArray();
    }

    /// <summary>Bytes on the wire for a payload of <paramref name="payloadLength"/>: IV + padded ciphertext.</summary>
    public static int EncryptedLength(int payloadLength) => BlockSize + ((payloadLength + 1 + BlockSize - 1) / BlockSize * BlockSize);

    /// <summary>Encrypts with a fresh random IV. Returns the bytes written (<see cref="EncryptedLength"/>).</summary>
    public int Encrypt(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        Span<byte> iv = stackalloc byte[BlockSize];
        RandomNumberGenerator.Fill(iv);
        return Encrypt(payload, iv, destination);
    }

    /// <summary>Encrypts with a caller-chosen IV (known-answer tests; the wire always uses a random one).</summary>
    public int Encrypt(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> iv, Span<byte> destination)
    {
        var total = EncryptedLength(payload.Length);
        var plainLength = total - BlockSize;
        var plain = plainLength <= 512 ? stackalloc byte[plainLength] : new byte[plainLength];
        payload.CopyTo(plain);
        var padLength = plainLength - payload.Length - 1;
        for (var i = 0; i < padLength; i++)
        {
            plain[payload.Length + i] = (byte)(i + 1);
        }

        plain[^1] = (byte)padLength;
        iv.CopyTo(destination);
        lock (_lock)
        {
            _aes.EncryptCbc(plain, iv, destination.Slice(BlockSize, plainLength), PaddingMode.None);
        }

        return total;
    }

    /// <summary>
    /// Decrypts IV + ciphertext into <paramref name="destination"/> and returns the payload length (pad removed).
    /// Throws <see cref="IpmiDecodeException"/> when the length or pad length is impossible.
    /// </summary>
    public int Decrypt(ReadOnlySpan<byte> ivAndCiphertext, Span<byte> destination)
    {
        if (ivAndCiphertext.Length < 2 * BlockSize || ivAndCiphertext.Length % BlockSize != 0)
        {
            throw new IpmiDecodeException($"AES-CBC-128 payload: {ivAndCiphertext.Length} bytes, expected IV plus a whole number of blocks");
        }

        var cipherLength = ivAndCiphertext.Length - BlockSize;
        int written;
        lock (_lock)
        {
            written = _aes.DecryptCbc(ivAndCiphertext[BlockSize..], ivAndCiphertext[..BlockSize], destination, PaddingMode.None);
        }

        if (written != cipherLength)
        {
            throw new IpmiDecodeException("AES-CBC-128 payload: short decryption");
        }

        var padLength = destination[cipherLength - 1];
        if (padLength >= BlockSize || padLength + 1 > cipherLength)
        {
            throw new IpmiDecodeException($"AES-CBC-128 payload: pad length {padLength} is impossible");
        }

        return cipherLength - padLength - 1;
    }

    public void Dispose() => _aes.Dispose();
}
