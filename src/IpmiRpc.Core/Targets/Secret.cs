using System.Security.Cryptography;

namespace IpmiRpc.Core.Targets;

/// <summary>
/// A password or Kg key. Holds the bytes, never prints them: <see cref="ToString"/> is a mask, and the only derived
/// value that leaves is a salted fingerprint used to tell pool identities apart.
/// </summary>
public sealed class Secret : IEquatable<Secret>
{
    private static readonly byte[] ProcessSalt = RandomNumberGenerator.GetBytes(16);
    private readonly byte[] _bytes;
    private string? _fingerprint;

    public Secret(ReadOnlySpan<byte> bytes) => _bytes = bytes.ToArray();

    public static Secret FromString(string value) => new(System.Text.Encoding.UTF8.GetBytes(value));

    public ReadOnlySpan<byte> Bytes => _bytes;

    public int Length => _bytes.Length;

    /// <summary>Salted per process, so the value is useless outside it; distinguishes pooled sessions by credential.</summary>
    // Cached: the pool asks for it on every request, and the bytes never change.
    public string Fingerprint => _fingerprint ??= Convert.ToHexString(HMACSHA256.HashData(ProcessSalt, _bytes).AsSpan(0, 8));

    public override string ToString() => "***";

    public bool Equals(Secret? other) => other is not null && CryptographicOperations.FixedTimeEquals(_bytes, other._bytes);

    public override bool Equals(object? obj) => Equals(obj as Secret);

    public override int GetHashCode() => Fingerprint.GetHashCode(StringComparison.Ordinal);
}
