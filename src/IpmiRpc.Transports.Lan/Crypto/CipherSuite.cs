namespace IpmiRpc.Transports.Lan.Crypto;

/// <summary>The cipher suites this transport speaks (IPMI v2.0 Table 22-20) and the algorithms each names.</summary>
internal sealed record CipherSuite(int Id, AuthenticationAlgorithm Authentication, IntegrityAlgorithm? Integrity, bool Aes)
{
    public static readonly CipherSuite Suite0 = new(0, RakpNone.Instance, null, false);
    public static readonly CipherSuite Suite1 = new(1, RakpHmacSha1.Instance, null, false);
    public static readonly CipherSuite Suite2 = new(2, RakpHmacSha1.Instance, HmacSha1_96.Instance, false);
    public static readonly CipherSuite Suite3 = new(3, RakpHmacSha1.Instance, HmacSha1_96.Instance, true);
    public static readonly CipherSuite Suite17 = new(17, RakpHmacSha256.Instance, HmacSha256_128.Instance, true);

    /// <summary>Ids in the order negotiation prefers them.</summary>
    public static readonly IReadOnlyList<int> Preference = [17, 3];

    public static IReadOnlyList<int> SupportedIds { get; } = [0, 1, 2, 3, 17];

    public byte IntegrityId => Integrity?.Id ?? 0;
    public byte ConfidentialityId => Aes ? AesCbc128.Id : (byte)0;
    public string IntegrityName => Integrity?.Name ?? "none";
    public string ConfidentialityName => Aes ? AesCbc128.Name : "none";

    public static CipherSuite? Find(int id) => id switch
    {
        0 => Suite0,
        1 => Suite1,
        2 => Suite2,
        3 => Suite3,
        17 => Suite17,
        _ => null,
    };
}
