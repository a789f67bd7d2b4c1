using System.Globalization;
using System.Text;
using IpmiRpc.Core.Sessions;
using IpmiRpc.Core.Targets;
using IpmiRpc.Host.Methods;
using IpmiRpc.Host.Protocol;
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

    private const int MaxPasswordBytes = 20;  // IPMI v2.0 §13.31: RAKP passwords are up to 20 bytes
    private const int MaxKgBytes = 20;
    private const int MaxUsernameBytes = 16;

    /// <summary>A targets file is a handful of entries; anything bigger is not one (/dev/zero would fill memory).</summary>
    private const int MaxTargetsFileBytes = 1024 * 1024;

    /// <summary>
    /// A password or Kg file holds at most 20 bytes (a CIM password a few hundred) plus a newline; reading stops here,
    /// so a huge file costs nothing.
    /// </summary>
    private const int MaxSecretFileBytes = 1024;

    private static readonly string[] Privileges = ["callback", "user", "operator", "administrator"];
    private static readonly HashSet<string> CommonFields = new(StringComparer.Ordinal) { "transport", "timeoutMs", "retries", "freshSession" };
    private static readonly HashSet<string> LanFields = new(StringComparer.Ordinal)
    {
        "host", "port", "username", "password", "passwordEnv", "passwordFile", "kg", "kgHex", "kgEnv", "kgFile",
        "cipherSuite", "privilege", "allowInsecure",
    };
    private static readonly HashSet<string> OpenIpmiFields = new(StringComparer.Ordinal) { "device" };
    private static readonly HashSet<string> CimFields = new(StringComparer.Ordinal)
    {
        "computerName", "protocol", "username", "password", "passwordEnv", "passwordFile",
    };

    private readonly IReadOnlyDictionary<string, JObject> _named;
    private readonly IReadOnlyDictionary<string, JArray> _groups;
    private readonly Func<string, string?> _environment;

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
    public IpmiTarget Resolve(JToken? target, string field = "target")
    {
        switch (target)
        {
            case null or { Type: JTokenType.Null }:
                return _named.TryGetValue(DefaultName, out var fallback)
                    ? Parse(fallback, field)
                    : new IpmiTarget { Transport = DefaultTransport };
            case JValue { Type: JTokenType.String } name:
                return _named.TryGetValue((string)name!, out var entry) ? Parse(entry, field)
                    : _groups.ContainsKey((string)name!) ? throw new RpcParamException(field, $"'{(string)name!}' is a group: give it in targets (fan-out)")
                    : throw new RpcParamException(field, $"no configured target named '{(string)name!}' (see --targets)");
            case JObject obj:
                return Parse(obj, field);
            default:
                throw new RpcParamException(field, "must be a target object or the name of a configured target");
        }
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

        var transport = obj["transport"] is JValue { Type: JTokenType.String } t ? (string)t!
            : obj["host"] is not null ? IpmiTarget.LanPlus
            : obj["computerName"] is not null ? IpmiTarget.Cim
            : obj["device"] is not null ? IpmiTarget.OpenIpmi
            : DefaultTransport;
        string? Text(string name) => obj[name] is JValue { Type: JTokenType.String } v ? (string)v! : null;
        return transport switch
        {
            IpmiTarget.LanPlus when Text("host") is { Length: > 0 } host =>
                new BmcKey(transport, host.ToLowerInvariant(), obj["port"] is JValue { Value: long port } ? (int)Math.Clamp(port, -1, 65536) : 623),
            IpmiTarget.OpenIpmi => new BmcKey(transport, Text("device") ?? "/dev/ipmi0", 0),
            IpmiTarget.Cim => new BmcKey(transport, (Text("computerName") ?? "localhost").ToLowerInvariant(), 0),
            _ => null,
        };
    }

    public IpmiTarget Parse(JObject obj, string field = "target")
    {
        var p = new ParamReader(obj, field);
        var transport = p.OptionalChoice("transport", IpmiTarget.LanPlus, IpmiTarget.OpenIpmi, IpmiTarget.Cim)
                        ?? (p.Has("host") ? IpmiTarget.LanPlus
                            : p.Has("computerName") ? IpmiTarget.Cim
                            : p.Has("device") ? IpmiTarget.OpenIpmi
                            : DefaultTransport);
        var allowed = transport switch
        {
            IpmiTarget.LanPlus => LanFields,
            IpmiTarget.OpenIpmi => OpenIpmiFields,
            _ => CimFields,
        };
        foreach (var property in obj.Properties())
        {
            if (!CommonFields.Contains(property.Name) && !allowed.Contains(property.Name))
            {
                throw p.Error(property.Name, $"not a field of a {transport} target");
            }
        }

        var timeoutMs = p.OptionalInt("timeoutMs", 1, 60_000) ?? 1000;
        var retries = p.OptionalInt("retries", 0, 20) ?? 4;
        var freshSession = p.OptionalBool("freshSession") ?? false;
        return transport switch
        {
            IpmiTarget.LanPlus => new IpmiTarget
            {
                Transport = transport,
                Host = LanHost(p),
                Port = p.OptionalInt("port", 1, 65535) ?? 623,
                Username = Username(p, MaxUsernameBytes),
                Password = ReadSecret(p, "password", "passwordEnv", "passwordFile", null, MaxPasswordBytes),
                Kg = ReadSecret(p, "kg", "kgEnv", "kgFile", "kgHex", MaxKgBytes),
                CipherSuite = p.OptionalInt("cipherSuite", 0, 255),
                Privilege = Privilege(p),
                TimeoutMs = timeoutMs,
                Retries = retries,
                AllowInsecure = p.OptionalBool("allowInsecure") ?? false,
                FreshSession = freshSession,
            },
            IpmiTarget.OpenIpmi => new IpmiTarget
            {
                Transport = transport,
                Device = p.OptionalString("device", 4096),
                TimeoutMs = timeoutMs,
                Retries = retries,
                FreshSession = freshSession,
            },
            _ => new IpmiTarget
            {
                Transport = transport,
                ComputerName = p.OptionalString("computerName", 253),
                Protocol = p.OptionalChoice("protocol", "wsman", "dcom"),
                // Windows account names (DOMAIN\user) are not bound by RMCP+'s 16-byte user name.
                Username = Username(p, int.MaxValue),
                Password = ReadSecret(p, "password", "passwordEnv", "passwordFile", null, int.MaxValue),
                TimeoutMs = timeoutMs,
                Retries = retries,
                FreshSession = freshSession,
            },
        };
    }

    /// <summary>
    /// The BMC's host name or address. Control characters are refused (a NUL cut the name short in the resolver, so
    /// "127.0.0.1\u0000.allowed.example" reached 127.0.0.1), and so are addresses that are not one BMC: multicast,
    /// broadcast, unspecified. A name is checked by the lanplus transport once it resolves.
    /// </summary>
    private static string LanHost(ParamReader p)
    {
        if (p.OptionalString("host", 253) is not { Length: > 0 } host)
        {
            throw p.Error("host", "required for a lanplus target");
        }

        if (host.Any(char.IsControl))
        {
            throw p.Error("host", "must not contain control characters");
        }

        var literal = host.Length > 2 && host[0] == '[' && host[^1] == ']' ? host[1..^1] : host;
        if (System.Net.IPAddress.TryParse(literal, out var address) && !IpmiRpc.Transports.Lan.UnicastAddress.Is(address))
        {
            throw p.Error("host", "must be a unicast address (not multicast, broadcast or unspecified)");
        }

        return host;
    }

    /// <summary>The user name, limited by the resolved transport (not by what the JSON spelled: cim may be inferred).</summary>
    private static string Username(ParamReader p, int maxBytes)
    {
        var username = p.OptionalString("username", 256) ?? "";
        if (Encoding.UTF8.GetByteCount(username) > maxBytes)
        {
            throw p.Error("username", $"must be at most {maxBytes} bytes");
        }

        return username;
    }

    private static PrivilegeLevel Privilege(ParamReader p) =>
        p.OptionalChoice("privilege", Privileges) switch
        {
            "callback" => PrivilegeLevel.Callback,
            "user" => PrivilegeLevel.User,
            "operator" => PrivilegeLevel.Operator,
            _ => PrivilegeLevel.Administrator,
        };

    private Secret? ReadSecret(ParamReader p, string plain, string env, string file, string? hex, int maxBytes)
    {
        var given = new[] { plain, env, file, hex }.Where(n => n is not null && p.Has(n)).ToArray();
        if (given.Length == 0)
        {
            return null;
        }

        if (given.Length > 1)
        {
            throw p.Error(given[1]!, $"give only one of {string.Join(", ", new[] { plain, env, file, hex }.Where(n => n is not null))}");
        }

        var source = given[0]!;
        byte[] bytes;
        if (source == plain)
        {
            bytes = Encoding.UTF8.GetBytes(p.OptionalString(plain, 1024)!);
        }
        else if (source == hex)
        {
            bytes = HexBytes.Parse(p.OptionalString(hex, 1024)!) ?? throw p.Error(hex, "not a hex string");
        }
        else if (source == env)
        {
            var name = p.OptionalString(env, 256)!;
            // The name is not echoed: a password pasted into passwordEnv by mistake would otherwise reach the client and the logs.
            var value = _environment(name) ?? throw p.Error(env, "the environment variable it names is not set in the ipmirpc process");
            bytes = Encoding.UTF8.GetBytes(value);
        }
        else
        {
            var path = p.OptionalString(file, 4096)!;
            if (SecretFiles.Read(path, MaxSecretFileBytes, out _) is not { } content)
            {
                // One answer for missing, unreadable, FIFO, device or too large: the reason would tell a client which
                // paths exist in the server's file system (the socket server's peers are the same user, a stdio client
                // started the process — but the answer need not say more than what to fix).
                throw p.Error(file, $"cannot read it: it must name a regular file readable by the ipmirpc process, of at most {MaxSecretFileBytes.ToString(CultureInfo.InvariantCulture)} bytes");
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

            bytes = Encoding.UTF8.GetBytes(text);
        }

        if (bytes.Length > maxBytes)
        {
            throw p.Error(source, $"the secret must be at most {maxBytes.ToString(CultureInfo.InvariantCulture)} bytes");
        }

        return new Secret(bytes);
    }
}
