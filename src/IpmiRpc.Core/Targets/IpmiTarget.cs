namespace IpmiRpc.Core.Targets;

/// <summary>
/// Where and how to reach one BMC. Secrets are already resolved (from params, env or file) by the host.
/// </summary>
public sealed record IpmiTarget
{
    public const string LanPlus = "lanplus";
    public const string OpenIpmi = "openipmi";
    public const string Cim = "cim";

    public required string Transport { get; init; }

    // lanplus
    public string? Host { get; init; }
    public int Port { get; init; } = 623;
    public string Username { get; init; } = "";
    public Secret? Password { get; init; }
    public Secret? Kg { get; init; }

    /// <summary>RMCP+ cipher suite id; null lets the transport negotiate (prefer 17, then 3).</summary>
    public int? CipherSuite { get; init; }

    public PrivilegeLevel Privilege { get; init; } = PrivilegeLevel.Administrator;

    /// <summary>Time to wait for one answer before a retransmit (ipmitool lanplus: 1 s).</summary>
    public int TimeoutMs { get; init; } = 1000;

    /// <summary>Retransmits after the first try (ipmitool lanplus: 4).</summary>
    public int Retries { get; init; } = 4;

    /// <summary>Opt-in for cipher suite 0 and IPMI 1.5 none/straight authentication.</summary>
    public bool AllowInsecure { get; init; }

    /// <summary>
    /// Authenticate anew for this request instead of reusing a pooled session (a credential check); the new session
    /// then replaces the pooled ones. Not part of <see cref="Identity"/>: it changes how, not where, a request goes.
    /// </summary>
    public bool FreshSession { get; init; }

    /// <summary>
    /// How this BMC breaks the specification, for the decoders (<see cref="BmcQuirks"/>). Not part of
    /// <see cref="Identity"/>: it changes how answers are read, not where requests go.
    /// </summary>
    public BmcQuirks Quirks { get; init; }

    // openipmi
    public string? Device { get; init; }

    // cim
    public string? ComputerName { get; init; }
    public string? Protocol { get; init; }

    /// <summary>The pool key: everything that makes two sessions interchangeable.</summary>
    /// <remarks>
    /// Made once per target: the pool asks on every request, and a resolved target is reused for request after
    /// request. A copy made with <c>with</c> carries the memo of the target it was copied from, so the memo names the
    /// instance that made it and a copy makes its own.
    /// </remarks>
    public TargetIdentity Identity
    {
        get
        {
            if (_identity.Of(this) is { } known)
            {
                return known;
            }

            var identity = MakeIdentity();
            _identity = new IdentityMemo(this, identity);
            return identity;
        }
    }

    private IdentityMemo _identity;

    // The session pool's sender for this target (SessionPool.SenderFor): one per target, not one per request.
    private SenderMemoSlot _sender;

    /// <summary>The sender <paramref name="pool"/> made for this very instance, if it made one.</summary>
    internal IpmiSend? SenderMemo(Sessions.SessionPool pool) => _sender.Of(this, pool);

    internal void RememberSender(Sessions.SessionPool pool, IpmiSend send) => _sender = new SenderMemoSlot(this, pool, send);

    private TargetIdentity MakeIdentity() => new(
        Transport,
        Transport switch
        {
            OpenIpmi => Device ?? "/dev/ipmi0",
            Cim => ComputerName ?? "localhost",
            _ => Host ?? "",
        },
        Transport == LanPlus ? Port : 0,
        Username,
        Privilege,
        CipherSuite,
        Protocol,
        CredentialFingerprint());

    private string CredentialFingerprint() =>
        (Password?.Fingerprint ?? "-") + "/" + (Kg?.Fingerprint ?? "-");

    public override string ToString() => Identity.ToString();

    /// <summary>
    /// The identity a target made of itself. Equal to every other memo: it is derived from the target's members, so
    /// record equality (which compares every field) must not depend on whether the identity was asked for yet.
    /// </summary>
    private readonly struct IdentityMemo(IpmiTarget owner, TargetIdentity identity) : IEquatable<IdentityMemo>
    {
        // One reference: read and written whole, whichever thread asked first.
        private readonly Made? _made = new(owner, identity);

        public TargetIdentity? Of(IpmiTarget target) =>
            _made is { } made && ReferenceEquals(made.Owner, target) ? made.Identity : null;

        public bool Equals(IdentityMemo other) => true;

        public override bool Equals(object? obj) => obj is IdentityMemo;

        public override int GetHashCode() => 0;

        private sealed record Made(IpmiTarget Owner, TargetIdentity Identity);
    }

    /// <summary>
    /// A pool's sender for the target that made it; like <see cref="IdentityMemo"/>, equal to every other memo (it
    /// changes nothing about which BMC a target names) and bound to its owner, so a copy made with <c>with</c> makes its own.
    /// </summary>
    private readonly struct SenderMemoSlot(IpmiTarget owner, Sessions.SessionPool pool, IpmiSend send) : IEquatable<SenderMemoSlot>
    {
        // One reference: read and written whole, whichever thread asked first.
        private readonly Made? _made = new(owner, pool, send);

        public IpmiSend? Of(IpmiTarget target, Sessions.SessionPool pool) =>
            _made is { } made && ReferenceEquals(made.Owner, target) && ReferenceEquals(made.Pool, pool) ? made.Send : null;

        public bool Equals(SenderMemoSlot other) => true;

        public override bool Equals(object? obj) => obj is SenderMemoSlot;

        public override int GetHashCode() => 0;

        private sealed record Made(IpmiTarget Owner, Sessions.SessionPool Pool, IpmiSend Send);
    }
}

/// <summary>Pool key. <see cref="CredentialFingerprint"/> keeps a session opened with one password from serving another.</summary>
public sealed record TargetIdentity(
    string Transport,
    string Address,
    int Port,
    string Username,
    PrivilegeLevel Privilege,
    int? CipherSuite,
    string? Protocol,
    string CredentialFingerprint)
{
    public override string ToString() =>
        Transport switch
        {
            IpmiTarget.LanPlus => $"lanplus://{Username}@{Address}:{Port} (cipher {CipherSuite?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "auto"}, {Privilege})",
            _ => $"{Transport}://{(string.IsNullOrEmpty(Username) ? "" : Username + "@")}{Address}",
        };
}
