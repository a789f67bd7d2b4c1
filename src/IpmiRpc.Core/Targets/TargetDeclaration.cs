using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace IpmiRpc.Core.Targets;

/// <summary>
/// A target as a caller writes it, for one transport: each transport assembly derives its record (fields, limits,
/// defaults, secret sources, checks) and that record is the only definition of its target. A front end binds the
/// caller's object to it by its attributes (the JSON-RPC host answers -32602 with the field and the reason, and
/// generates the schema and the wrappers' target options from the same records), calls <see cref="Validate"/>, reads
/// the secrets its <see cref="SecretSourceAttribute"/> fields name, then <see cref="ToTarget"/>.
/// </summary>
// [MaxLength] is read as a declaration (its Length) by the host's binder and schema generator; its reflection-based
// IsValid, which is what trimming could break, is never called.
#pragma warning disable IL2026
public abstract record TargetDeclaration
{
    [Description("Wait for one answer before retransmitting.")]
    [Range(1, 60_000)]
    [DefaultValue(1000)]
    public int TimeoutMs { get; init; } = 1000;

    [Description("Retransmits after the first try.")]
    [Range(0, 20)]
    [DefaultValue(4)]
    public int Retries { get; init; } = 4;

    [Description("Authenticate anew for this request instead of reusing a pooled session (use it to verify credentials); the new session then replaces the pooled ones.")]
    [DefaultValue(false)]
    public bool FreshSession { get; init; }

    [Description(BmcQuirksText.Summary)]
    [MaxLength(16)]
    public IReadOnlyList<BmcQuirks>? Quirks { get; init; }

    /// <summary><see cref="Quirks"/> as one flag set, for <see cref="IpmiTarget.Quirks"/>.</summary>
    protected BmcQuirks QuirkFlags => BmcQuirksText.Combine(Quirks);

    /// <summary>
    /// The checks the attributes cannot express; throws <see cref="IpmiInvalidArgumentException"/> whose field is the
    /// wire name (<c>host</c>).
    /// </summary>
    public virtual void Validate()
    {
    }

    /// <summary>The resolved target; <paramref name="secret"/> gives the secret a <see cref="SecretSourceAttribute"/> names, or null.</summary>
    public abstract IpmiTarget ToTarget(Func<string, Secret?> secret);
}
