using System.Globalization;
using System.Text;
using IpmiRpc.Core;
using IpmiRpc.Core.Sessions;
using IpmiRpc.Core.Targets;
using IpmiRpc.Host.Methods;
using IpmiRpc.Host.Methods.Declarations;
using IpmiRpc.Host.Protocol;
using IpmiRpc.Transports.Lan;
using IpmiRpc.Transports.OpenIpmi;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Targets;

/// <summary>
/// Turns a <c>target</c> param (an object, or the name of an entry in the <c>--targets</c> file) into an
/// <see cref="IpmiTarget"/>, reading secrets from <c>password</c> | <c>passwordEnv</c> | <c>passwordFile</c> (and the Kg
/// likewise). Errors are -32602 naming the field (<c>target.port</c>); they never quote a secret.
/// </summary>
public sealed partial class TargetResolver
{
    /// <summary>A targets-file entry with this name is used when a request gives no target.</summary>
    public const string DefaultName = "default";

    /// <summary>A targets file is a handful of entries; anything bigger is not one (/dev/zero would fill memory).</summary>
    private const int MaxTargetsFileBytes = 1024 * 1024;

    /// <summary>
    /// A password or Kg file holds at most 20 bytes (a CIM password a few hundred) plus a newline; reading stops here,
    /// so a huge file costs nothing.
    /// </summary>
    private const int MaxSecretFileBytes = 1024;

    /// <summary>Distinct target objects remembered at most (a few KB each).</summary>
    private const int MaxRemembered = 4096;

    private static readonly IReadOnlySet<string> TransportOnly = new HashSet<string>(StringComparer.Ordinal) { TargetCatalog.TransportField };

    private readonly IReadOnlyDictionary<string, JObject> _named;
    private readonly IReadOnlyDictionary<string, JArray> _groups;
    private readonly Func<string, string?> _environment;

    /// <summary>Targets resolved before, by the content of their object (<see cref="ParseRemembered"/>).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<JToken, RememberedTarget> _remembered = new(JToken.EqualityComparer);

    // The read-only object last found in _remembered, by reference: the guard hands one params object to every request
    // that sends the same bytes (ParamsMemo), so the usual request finds its target without hashing the object by
    // content (a walk of every field and a boxed enumerator). One reference, read and written whole.
    private LastFound? _lastFound;

    public TargetResolver(IReadOnlyDictionary<string, JObject>? named = null, string? defaultTransport = null, Func<string, string?>? environment = null,
        IReadOnlyDictionary<string, JArray>? groups = null)
    {
        _named = named ?? new Dictionary<string, JObject>();
        _groups = groups ?? new Dictionary<string, JArray>();
        DefaultTransport = defaultTransport ?? (OperatingSystem.IsWindows() ? IpmiTarget.Cim : IpmiTarget.OpenIpmi);
        _environment = environment ?? Environment.GetEnvironmentVariable;
    }

    public string DefaultTransport { get; }

    public IReadOnlyCollection<string> Names => _named.Keys.ToArray();

    /// <summary>The groups of the targets file (a name → a list of names, ranges and targets), for fan-out.</summary>
    public IReadOnlyCollection<string> GroupNames => _groups.Keys.ToArray();

    /// <summary>
    /// Loads a targets file: a JSON object mapping names to target objects, or to arrays (groups: names of targets or
    /// groups, <c>{"hosts": range, "template": name}</c> objects, target objects). Throws <see cref="InvalidDataException"/>.
    /// </summary>
    public static TargetResolver FromFile(string path, string? defaultTransport = null, Func<string, string?>? environment = null)
    {
        var bytes = SecretFiles.Read(path, MaxTargetsFileBytes, out var problem)
                    ?? throw new InvalidDataException($"Cannot read targets file '{path}': {problem}");
        JToken root;
        try
        {
            root = JToken.Parse(Encoding.UTF8.GetString(bytes));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Cannot read targets file '{path}': not valid JSON", ex);
        }

        if (root is not JObject obj)
        {
            throw new InvalidDataException($"Targets file '{path}' must hold a JSON object mapping names to targets");
        }

        var named = new Dictionary<string, JObject>(StringComparer.Ordinal);
        var groups = new Dictionary<string, JArray>(StringComparer.Ordinal);
        foreach (var property in obj.Properties())
        {
            switch (property.Value)
            {
                case JObject target:
                    named[property.Name] = target;
                    break;
                case JArray group:
                    groups[property.Name] = group;
                    break;
                default:
                    throw new InvalidDataException($"Targets file '{path}': entry '{property.Name}' must be a target object or a group (an array)");
            }
        }

        var resolver = new TargetResolver(named, defaultTransport, environment, groups);
        foreach (var (name, _) in groups)
        {
            try
            {
                // Expanding every group once at load finds unknown names, cycles and bad ranges before any request.
                _ = resolver.ExpandTargets(new JArray(name), name, HostRange.DefaultMaxHosts, namesOnly: false);
            }
            catch (RpcParamException ex)
            {
                throw new InvalidDataException($"Targets file '{path}': group '{name}': {ex.Field}: {ex.Reason}", ex);
            }
        }

        return resolver;
    }

    /// <summary>Resolves a <c>target</c> param; null means the default target.</summary>
    public IpmiTarget Resolve(JToken? target, string field = "target") => Resolve(target, field, refuseFileReads: false);

    /// <summary>
    /// <see cref="Resolve"/> when that reads no file (no passwordFile/kgFile in the target, given or named): false,
    /// having read nothing, when it would read one. What is left is memory and the environment: nothing that can block.
    /// </summary>
    public bool TryResolveWithoutFileReads(JToken? target, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IpmiTarget? resolved, string field = "target")
    {
        try
        {
            resolved = Resolve(target, field, refuseFileReads: true);
            return true;
        }
        catch (FileReadRefusedException)
        {
            resolved = null;
            return false;
        }
    }

    private IpmiTarget Resolve(JToken? target, string field, bool refuseFileReads)
    {
        switch (target)
        {
            case null or { Type: JTokenType.Null }:
                return ParseRemembered(_named.GetValueOrDefault(DefaultName) ?? [], field, refuseFileReads);
            case JValue { Type: JTokenType.String } name:
                return _named.TryGetValue((string)name!, out var entry) ? ParseRemembered(entry, field, refuseFileReads)
                    : _groups.ContainsKey((string)name!) ? throw new RpcParamException(field, $"'{(string)name!}' is a group: give it in targets (fan-out)")
                    : throw new RpcParamException(field, $"no configured target named '{(string)name!}' (see --targets)");
            case JObject obj:
                return ParseRemembered(obj, field, refuseFileReads);
            default:
                throw new RpcParamException(field, "must be a target object or the name of a configured target");
        }
    }

    /// <summary>
    /// The target a <c>target</c> param resolved to before, if it needs no file read to resolve again (its secrets
    /// come from the params or the environment, and the environment still holds them): no I/O, never throws.
    /// </summary>
    /// <param name="readOnly">
    /// The object is never changed once read (a request's params: the host only reads them), so the one found last
    /// may be recognised by reference instead of by content.
    /// </param>
    public bool TryResolveRemembered(JToken? target, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IpmiTarget? resolved, bool readOnly = false)
    {
        var obj = target switch
        {
            null or { Type: JTokenType.Null } => _named.GetValueOrDefault(DefaultName) ?? [],
            JValue { Type: JTokenType.String } name => _named.GetValueOrDefault((string)name!),
            JObject given => given,
            _ => null,
        };
        if (obj is null)
        {
            resolved = null;
            return false;
        }

        if (readOnly && _lastFound is { } last && ReferenceEquals(last.Source, obj) && last.Remembered.IsCurrent(_environment))
        {
            resolved = last.Remembered.Target;
            return true;
        }

        resolved = _remembered.TryGetValue(obj, out var hit) && hit.IsCurrent(_environment) ? hit.Target : null;
        if (readOnly && resolved is not null)
        {
            // Also replaces a memo whose environment secret changed once the target was resolved again.
            _lastFound = new LastFound(obj, hit!);
        }

        return resolved is not null;
    }

    /// <summary>
    /// <see cref="Parse"/>, remembered by the target object's content: clients send the same target object with every
    /// request, and binding it anew (reflection, secrets, the pool key's fingerprint) cost more than the rest of a
    /// request's host work. A target that reads a file is never remembered (the file may change between requests); one
    /// that reads the environment is checked against it on every use.
    /// </summary>
    private IpmiTarget ParseRemembered(JObject obj, string field, bool refuseFileReads = false)
    {
        if (_remembered.TryGetValue(obj, out var hit) && hit.IsCurrent(_environment))
        {
            return hit.Target;
        }

        var origins = new SecretOrigins { RefuseFileReads = refuseFileReads };
        var target = Parse(obj, field, origins);
        if (!origins.FromFile)
        {
            if (_remembered.Count >= MaxRemembered)
            {
                // Many distinct targets (a sweep over thousands of BMCs): start over rather than grow without bound.
                _remembered.Clear();
            }

            _remembered[(JObject)obj.DeepClone()] = new RememberedTarget(target, [.. origins.FromEnvironment]);
        }

        return target;
    }

    /// <summary>
    /// The BMC a <c>target</c> param points at — transport and address only, no secrets read, no I/O — so a request
    /// can take its place in that BMC's order as it arrives. Null when the target is malformed (resolving it fails).
    /// </summary>
    public BmcKey? BmcOf(JToken? target)
    {
        var obj = target switch
        {
            null or { Type: JTokenType.Null } => _named.GetValueOrDefault(DefaultName) ?? [],
            JValue { Type: JTokenType.String } name => _named.GetValueOrDefault((string)name!),
            JObject given => given,
            _ => null,
        };
        if (obj is null)
        {
            return null;
        }

        var transport = obj[TargetCatalog.TransportField] is JValue { Type: JTokenType.String } t ? (string)t! : InferredTransport(obj);
        string? Text(string name) => obj[name] is JValue { Type: JTokenType.String } v ? (string)v! : null;
        return transport switch
        {
            IpmiTarget.LanPlus when Text("host") is { Length: > 0 } host =>
                new BmcKey(transport, host.ToLowerInvariant(), obj["port"] is JValue { Value: long port } ? (int)Math.Clamp(port, -1, 65536) : new LanPlusTarget().Port),
            IpmiTarget.OpenIpmi => new BmcKey(transport, Text("device") ?? OpenIpmiTarget.DefaultDevice, 0),
            IpmiTarget.Cim => new BmcKey(transport, (Text("computerName") ?? "localhost").ToLowerInvariant(), 0),
            _ => null,
        };
    }

    /// <summary>The transport a target object without <c>transport</c> implies by its fields, else the default.</summary>
    private string InferredTransport(JObject obj)
    {
        // Indexed, not LINQ or foreach: this runs on the read loop for every request (a closure and an enumerator each time).
        var kinds = TargetCatalog.All;
        for (var i = 0; i < kinds.Count; i++)
        {
            if (kinds[i].InferredFrom is { } by && obj[by] is not null)
            {
                return kinds[i].Transport;
            }
        }

        return DefaultTransport;
    }

    /// <summary>
    /// Binds <paramref name="obj"/> to its transport's record (<see cref="TargetCatalog"/>): every refusal is -32602 naming
    /// the field; then the record's own checks, then its secrets.
    /// </summary>
    public IpmiTarget Parse(JObject obj, string field = "target") => Parse(obj, field, origins: null);

    private IpmiTarget Parse(JObject obj, string field, SecretOrigins? origins)
    {
        var p = new ParamReader(obj, field);
        var transport = p.OptionalChoice(TargetCatalog.TransportField, TargetCatalog.All.Select(k => k.Transport).ToArray())
                        ?? TargetCatalog.All.FirstOrDefault(k => k.InferredFrom is { } by && p.Has(by))?.Transport
                        ?? DefaultTransport;
        var kind = TargetCatalog.For(transport);
        var members = kind.Binder.Members;
        foreach (var property in obj.Properties())
        {
            if (property.Name != TargetCatalog.TransportField && !members.Any(m => m.Name == property.Name))
            {
                throw p.Error(property.Name, $"not a field of a {transport} target");
            }
        }

        var declaration = (TargetDeclaration)kind.Binder.Bind(obj, field, TransportOnly);
        try
        {
            declaration.Validate();
        }
        catch (IpmiInvalidArgumentException ex)
        {
            throw p.Error(ex.Field, ex.Reason);
        }

        var secrets = members
            .Where(m => m.SecretSource is not null)
            .GroupBy(m => m.SecretSource!.Secret, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => ReadSecret(p, declaration, g.ToArray(), origins), StringComparer.Ordinal);
        return declaration.ToTarget(name => secrets.GetValueOrDefault(name));
    }

    /// <summary>The secret given by at most one of <paramref name="sources"/> (password, passwordEnv, passwordFile).</summary>
    private Secret? ReadSecret(ParamReader p, TargetDeclaration declaration, IReadOnlyList<ParamMember> sources, SecretOrigins? origins)
    {
        var given = sources.Where(m => m.Property.GetValue(declaration) is not null).ToArray();
        if (given.Length == 0)
        {
            return null;
        }

        if (given.Length > 1)
        {
            throw p.Error(given[1].Name, $"give only one of {string.Join(", ", sources.Select(m => m.Name))}");
        }

        var member = given[0];
        var source = member.Name;
        var value = (string)member.Property.GetValue(declaration)!;
        var maxBytes = member.SecretSource!.MaxBytes;
        byte[] bytes;
        switch (member.SecretSource.Kind)
        {
            case SecretSourceKind.Text:
                bytes = Encoding.UTF8.GetBytes(value);
                break;
            case SecretSourceKind.Hex:
                bytes = HexBytes.Parse(value) ?? throw p.Error(source, "not a hex string");
                break;
            case SecretSourceKind.Environment:
                // The name is not echoed: a password pasted into passwordEnv by mistake would otherwise reach the client and the logs.
                bytes = Encoding.UTF8.GetBytes(_environment(value) ?? throw p.Error(source, "the environment variable it names is not set in the ipmirpc process"));
                break;
            default:
                bytes = origins is { RefuseFileReads: true } ? throw new FileReadRefusedException() : ReadSecretFile(p, source, value);
                break;
        }

        if (bytes.Length > maxBytes)
        {
            throw p.Error(source, $"the secret must be at most {maxBytes.ToString(CultureInfo.InvariantCulture)} bytes");
        }

        var secret = new Secret(bytes);
        switch (member.SecretSource.Kind)
        {
            case SecretSourceKind.Environment:
                origins?.FromEnvironment.Add((value, secret));
                break;
            case SecretSourceKind.Text or SecretSourceKind.Hex:
                break;
            default:
                origins?.FromFile = true;
                break;
        }

        return secret;
    }

    /// <summary>Where the secrets of one target came from: what decides whether it may be remembered.</summary>
    private sealed class SecretOrigins
    {
        public bool FromFile { get; set; }

        /// <summary>Stop before reading a file (<see cref="TryResolveWithoutFileReads"/>).</summary>
        public bool RefuseFileReads { get; init; }

        public List<(string Variable, Secret Value)> FromEnvironment { get; } = [];
    }

    /// <summary>The read-only params object <see cref="TryResolveRemembered"/> found last, and what it found.</summary>
    private sealed record LastFound(JObject Source, RememberedTarget Remembered);

    /// <param name="FromEnvironment">Secrets read from environment variables: the target holds only while they do.</param>
    private sealed record RememberedTarget(IpmiTarget Target, (string Variable, Secret Value)[] FromEnvironment)
    {
        public bool IsCurrent(Func<string, string?> environment)
        {
            foreach (var (variable, secret) in FromEnvironment)
            {
                if (environment(variable) is not { } now || !Holds(secret, now))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool Holds(Secret secret, string text)
        {
            if (Encoding.UTF8.GetByteCount(text) != secret.Length)
            {
                return false;
            }

            Span<byte> bytes = stackalloc byte[secret.Length];
            Encoding.UTF8.GetBytes(text, bytes);
            var same = System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(bytes, secret.Bytes);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
            return same;
        }
    }

    private static byte[] ReadSecretFile(ParamReader p, string source, string path)
    {
        if (SecretFiles.Read(path, MaxSecretFileBytes, out _) is not { } content)
        {
            // One answer for missing, unreadable, FIFO, device or too large: the reason would tell a client which
            // paths exist in the server's file system (the socket server's peers are the same user, a stdio client
            // started the process — but the answer need not say more than what to fix).
            throw p.Error(source, $"cannot read it: it must name a regular file readable by the ipmirpc process, of at most {MaxSecretFileBytes.ToString(CultureInfo.InvariantCulture)} bytes");
        }

        var text = Encoding.UTF8.GetString(content);

        // Files written by `echo` end in one newline that is not part of the secret.
        if (text.EndsWith("\r\n", StringComparison.Ordinal))
        {
            text = text[..^2];
        }
        else if (text.EndsWith('\n'))
        {
            text = text[..^1];
        }

        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>A secret file would have been read: <see cref="TryResolveWithoutFileReads"/> says false.</summary>
    private sealed class FileReadRefusedException : Exception;
}
