using System.Buffers;
using System.Security.Cryptography;
using IpmiRpc.Core;

namespace IpmiRpc.Transports.Lan.Crypto;

/// <summary>
/// AES-CBC-128 confidentiality (IPMI v2.0 §13.29, Table 13-20): a random 16-byte IV, then the payload followed by
/// pad bytes 01h, 02h, … and a pad-length byte, encrypted with the first 16 bytes of K2. No PKCS#7.
/// </summary>
/// <remarks>
/// The key is set up once per session, in two AES block transforms (one OpenSSL context each) that the CBC chaining
/// below runs every packet through: .NET's one-shot <see cref="SymmetricAlgorithm.EncryptCbc(ReadOnlySpan{byte}, ReadOnlySpan{byte}, PaddingMode)"/>
/// creates, keys and frees a native context per call, which cost several times the cipher's own work on a packet of
/// one or two blocks. IVs come from the system's CSPRNG in batches for the same reason.
/// </remarks>
internal sealed class AesCbc128 : IDisposable
{
    public const byte Id = 0x01;
    public const string Name = "AES-CBC-128";
    public const int BlockSize = 16;
    public const int KeyLength = 16;

    // IVs drawn from the CSPRNG at once, per thread: one call per batch instead of one per packet.
    private const int IvsPerBatch = 16;

    [ThreadStatic]
    private static byte[]? t_ivs;

    [ThreadStatic]
    private static int t_ivsLeft;

    private readonly ICryptoTransform _encryptBlock;
    private readonly ICryptoTransform _decryptBlocks;
    private readonly Lock _lock = new();
    private bool _disposed;

    public AesCbc128(ReadOnlySpan<byte> k2)
    {
        if (k2.Length < KeyLength)
        {
            throw new ArgumentException("K2 shorter than an AES-128 key", nameof(k2));
        }

        // ECB with no padding: the bare block cipher. The transforms keep their own copy of the key.
        using var aes = Aes.Create();
        aes.Key = k2[..KeyLength].ToArray();
        aes.Mode = CipherMode.ECB;
        aes.Padding = PaddingMode.None;
        _encryptBlock = aes.CreateEncryptor();
        _decryptBlocks = aes.CreateDecryptor();
    }

    /// <summary>Bytes on the wire for a payload of <paramref name="payloadLength"/>: IV + padded ciphertext.</summary>
    public static int EncryptedLength(int payloadLength) => BlockSize + ((payloadLength + 1 + BlockSize - 1) / BlockSize * BlockSize);

    /// <summary>Encrypts with a fresh random IV. Returns the bytes written (<see cref="EncryptedLength"/>).</summary>
    public int Encrypt(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        Span<byte> iv = stackalloc byte[BlockSize];
        NextIv(iv);
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

        // The transform takes arrays: one rented array holds the block going in and the block coming out.
        var blocks = ArrayPool<byte>.Shared.Rent(2 * BlockSize);
        try
        {
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                for (var offset = 0; offset < plainLength; offset += BlockSize)
                {
                    // CBC: each plaintext block is XORed with the ciphertext block before it (the IV for the first).
                    var previous = destination.Slice(offset, BlockSize);
                    for (var i = 0; i < BlockSize; i++)
                    {
                        blocks[i] = (byte)(plain[offset + i] ^ previous[i]);
                    }

                    _encryptBlock.TransformBlock(blocks, 0, BlockSize, blocks, BlockSize);
                    blocks.AsSpan(BlockSize, BlockSize).CopyTo(destination.Slice(BlockSize + offset, BlockSize));
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(blocks);
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
        if (destination.Length < cipherLength)
        {
            throw new ArgumentException("Destination shorter than the ciphertext", nameof(destination));
        }

        // Every block is deciphered at once (one call), then XORed with the ciphertext block before it (CBC).
        var blocks = ArrayPool<byte>.Shared.Rent(2 * cipherLength);
        try
        {
            ivAndCiphertext[BlockSize..].CopyTo(blocks);
            int written;
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                written = _decryptBlocks.TransformBlock(blocks, 0, cipherLength, blocks, cipherLength);
            }

            if (written != cipherLength)
            {
                throw new IpmiDecodeException("AES-CBC-128 payload: short decryption");
            }

            for (var i = 0; i < cipherLength; i++)
            {
                destination[i] = (byte)(blocks[cipherLength + i] ^ ivAndCiphertext[i]);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(blocks);
        }

        var padLength = destination[cipherLength - 1];
        if (padLength >= BlockSize || padLength + 1 > cipherLength)
        {
            throw new IpmiDecodeException($"AES-CBC-128 payload: pad length {padLength} is impossible");
        }

        return cipherLength - padLength - 1;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _encryptBlock.Dispose();
            _decryptBlocks.Dispose();
        }
    }

    /// <summary>The next IV of this thread's batch: 16 random bytes, each handed out once and then cleared.</summary>
    private static void NextIv(Span<byte> iv)
    {
        var ivs = t_ivs ??= new byte[IvsPerBatch * BlockSize];
        if (t_ivsLeft == 0)
        {
            RandomNumberGenerator.Fill(ivs);
            t_ivsLeft = IvsPerBatch;
        }

        var next = ivs.AsSpan((IvsPerBatch - t_ivsLeft--) * BlockSize, BlockSize);
        next.CopyTo(iv);
        next.Clear();
    }
}
