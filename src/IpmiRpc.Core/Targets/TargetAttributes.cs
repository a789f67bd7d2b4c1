namespace IpmiRpc.Core.Targets;

/// <summary>A param or target field that carries a secret: never logged, never echoed, never accepted on the command line.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class SecretAttribute : Attribute;

/// <summary>A string's limit in UTF-8 bytes, where the wire format counts bytes (an RMCP+ user name), not characters.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class MaxBytesAttribute(int bytes) : Attribute
{
    public int Bytes { get; } = bytes;
}

/// <summary>How a <see cref="SecretSourceAttribute"/> field gives its secret.</summary>
public enum SecretSourceKind
{
    /// <summary>The secret itself, as text (UTF-8).</summary>
    Text,

    /// <summary>The secret as hex digits.</summary>
    Hex,

    /// <summary>The name of an environment variable of the front end's process holding the secret as text.</summary>
    Environment,

    /// <summary>The path of a file holding the secret as text; one trailing newline is not part of it.</summary>
    File,
}

/// <summary>
/// One of the ways to give the secret <see cref="Secret"/> (e.g. <c>password</c> by <c>password</c>, <c>passwordEnv</c>
/// or <c>passwordFile</c>): a target gives at most one per secret, and the front end reads it, checks
/// <see cref="MaxBytes"/> on what it read, and hands it to <see cref="TargetDeclaration.ToTarget"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class SecretSourceAttribute(string secret, SecretSourceKind kind) : Attribute
{
    public string Secret { get; } = secret;

    public SecretSourceKind Kind { get; } = kind;

    /// <summary>The longest secret the transport accepts, in bytes.</summary>
    public int MaxBytes { get; init; } = int.MaxValue;
}

/// <summary>
/// Names the transport a <see cref="TargetDeclaration"/> record is for, and the field whose presence selects it when a
/// target gives no <c>transport</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class TargetTransportAttribute(string transport) : Attribute
{
    public string Transport { get; } = transport;

    /// <summary>A field only this transport has; a target that gives it and no <c>transport</c> is of this transport.</summary>
    public string? InferredFrom { get; init; }
}
