namespace IpmiRpc.Core.SystemInfo;

/// <summary>Outcome of writing system info strings.</summary>
/// <param name="Changed">True when at least one value differed (and, unless <see cref="DryRun"/>, was written).</param>
/// <param name="ChangedParameters">The parameters that differed.</param>
/// <param name="Previous">What the BMC held before, per requested parameter (null: unsupported).</param>
/// <param name="Current">What it holds now (read back), or for a dry run what it would hold.</param>
public sealed record SystemInfoSetResult(
    bool Changed,
    bool DryRun,
    IReadOnlyList<SystemInfoParameter> ChangedParameters,
    IReadOnlyDictionary<SystemInfoParameter, string?> Previous,
    IReadOnlyDictionary<SystemInfoParameter, string?> Current);
