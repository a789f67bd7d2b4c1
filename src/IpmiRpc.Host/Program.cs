using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text;
using IpmiRpc.Core.Sessions;
using IpmiRpc.Host.Hosting;
using IpmiRpc.Host.Protocol;
using IpmiRpc.Host.Schema;
using IpmiRpc.Host.Targets;
using IpmiRpc.Transports.Lan;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host;

/// <summary>
/// <c>ipmirpc</c> [serve] | connect | call METHOD | schema | mcp. No option takes a password: secrets come from the request
/// (passwordEnv/passwordFile) or the <c>--targets</c> file.
/// </summary>
public static class Program
{
    private static readonly string[] LogLevels = ["trace", "debug", "information", "warning", "error", "critical", "none"];

    public static async Task<int> Main(string[] args)
    {
        if (args is ["call", var method, ..])
        {
            // A one-shot call spends its start on one core: what the request needs is built on the other meanwhile.
            CallWarmUp.Start(method);
        }

        var root = new RootCommand("Send IPMI requests to BMCs (lanplus over the network, openipmi in-band, cim) through JSON-RPC 2.0. "
            + "Without a command it serves JSON-RPC on stdin/stdout (the options below are serve's); 'call' runs one method "
            + "from the shell; 'schema' lists the methods. 'ipmirpc COMMAND --help' describes each command.");
        var serve = new Command("serve", "Serve JSON-RPC on stdin/stdout until stdin closes (the default), or on a Unix socket shared by many clients.");
        ConfigureServe(root, socketOptions: false);
        ConfigureServe(serve, socketOptions: true);
        root.Subcommands.Add(serve);
        root.Subcommands.Add(CreateConnect());
        root.Subcommands.Add(CreateCall());
        root.Subcommands.Add(CreateSchema());
        root.Subcommands.Add(CreateMcp());
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // A usage error never prints help to stdout (a client passing an option an older binary lacks would read
            // help where it expects JSON) and exits 2, which `call` documents as "bad request", not 1 ("failed").
            var text = string.Join("\n", parsed.Errors.Select(e => "ipmirpc: " + e.Message)) + "\nRun 'ipmirpc --help' for usage.\n";
            var stderr = Console.OpenStandardError();
            await using (stderr.ConfigureAwait(false))
            {
                await stderr.WriteAsync(Encoding.UTF8.GetBytes(text)).ConfigureAwait(false);
            }

            return UsageError;
        }

        return await parsed.InvokeAsync().ConfigureAwait(false);
    }

    internal const int UsageError = 2;

    /// <summary>
    /// Stdout for protocol bytes. On Unix, Console.OpenStandardOutput's writes hold the lock that Console.Error's
    /// writes take too (the console keeps one cursor for both), so a client that stopped reading blocked every log
    /// line on stderr as well — the signal handler's among them. File descriptor 1 as a plain unbuffered stream has
    /// no such lock: a stuck client stalls only its own answers.
    /// </summary>
    private static Stream OpenProtocolOutput() =>
        OperatingSystem.IsWindows()
            ? Console.OpenStandardOutput()
            : new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);

    private static Option<string?> TargetsOption() => new("--targets")
    {
        HelpName = "FILE",
        Description = "JSON file of named BMCs that requests name instead of giving host and credentials: targets ({\"name\": {target}}) "
            + "and groups for fan-out ({\"name\": [names, {\"hosts\": range, \"template\": name}, …]}); its \"default\" entry serves requests that name none.",
    };

    /// <summary>The fan-out bounds (<c>targets</c>): calls at once across the process, and to one BMC.</summary>
    private sealed record FanOutFlags(Option<int> Concurrency, Option<int> PerBmc)
    {
        public static FanOutFlags AddTo(Command command)
        {
            var concurrency = Bounded("--fanout-concurrency", "Requests with targets (fan-out): at most this many BMC calls at once, across the process.", Methods.FanOut.FanOutOptions.DefaultMaxConcurrency, 4096);
            var perBmc = Bounded("--fanout-per-bmc", "Requests with targets (fan-out): at most this many calls at once to one BMC (many BMCs serve only 1 to 4 at a time).", Methods.FanOut.FanOutOptions.DefaultMaxPerBmc, 64);
            command.Options.Add(concurrency);
            command.Options.Add(perBmc);
            return new FanOutFlags(concurrency, perBmc);
        }

        public Methods.FanOut.FanOutOptions Read(ParseResult parse) =>
            new() { MaxConcurrency = parse.GetValue(Concurrency), MaxPerBmc = parse.GetValue(PerBmc) };

        private static Option<int> Bounded(string name, string description, int defaultValue, int max)
        {
            var option = new Option<int>(name) { HelpName = "N", Description = description, DefaultValueFactory = _ => defaultValue };
            option.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int>() is < 1 || r.GetValueOrDefault<int>() > max)
                {
                    r.AddError($"{name} must be from 1 to {max}");
                }
            });
            return option;
        }
    }

    private static Option<string?> SdrCacheOption()
    {
        var option = new Option<string?>("--sdr-cache")
        {
            HelpName = "DIR",
            Description = "Keep SDR repositories in this directory (created 0700) across processes; a BMC whose repository timestamps, record count and identity are unchanged is not read again.",
        };
        // Created (or tightened to 0700) while the command line is checked, so an unusable path is a usage error (exit 2).
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is not { } directory)
            {
                return;
            }

            try
            {
                _ = new Inventory.DirectorySdrCachePersistence(directory);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                r.AddError($"--sdr-cache: cannot use '{directory}' as a private cache directory: {ex.Message}");
            }
        });
        return option;
    }

    private static Option<string> LogLevelOption()
    {
        var option = new Option<string>("--log-level")
        {
            HelpName = "LEVEL",
            Description = "How much to log on stderr: " + string.Join(", ", LogLevels) + " (stdout carries only protocol or results).",
            DefaultValueFactory = _ => "warning",
        };
        option.AcceptOnlyFromAmong(LogLevels);
        return option;
    }

    private static Option<int> MaxSessionAgeOption(string description)
    {
        var option = new Option<int>("--max-session-age")
        {
            HelpName = "SECONDS",
            Description = description,
            DefaultValueFactory = _ => (int)new SessionPoolOptions().MaxSessionAge.TotalSeconds,
        };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--max-session-age must be at least 1");
            }
        });
        return option;
    }

    private static void ConfigureServe(Command command, bool socketOptions)
    {
        var framing = new Option<string>("--framing") { Description = "How messages are delimited: ndjson (one JSON message per line), headers (Content-Length headers, as in LSP) or auto (detected from the first byte).", DefaultValueFactory = _ => "auto" };
        framing.AcceptOnlyFromAmong("auto", "ndjson", "headers");
        var targets = TargetsOption();
        var logLevel = LogLevelOption();
        var sdrCache = SdrCacheOption();
        var maxBytes = new Option<int>("--max-message-bytes") { HelpName = "BYTES", Description = "Largest request accepted; a larger one is answered with an error.", DefaultValueFactory = _ => ServerOptions.DefaultMaxMessageBytes };
        maxBytes.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1024)
            {
                r.AddError("--max-message-bytes must be at least 1024");
            }
        });
        var maxSessionAge = MaxSessionAgeOption("Re-authenticate pooled sessions older than this many seconds (a changed password stops working within it).");
        var shutdownGrace = new Option<int>("--shutdown-grace")
        {
            HelpName = "SECONDS",
            Description = "After SIGTERM/SIGINT: seconds to wait for cancelled requests to be answered, and again for sessions to close, before exiting anyway (a second signal exits at once).",
            DefaultValueFactory = _ => (int)new ServerOptions().ShutdownGrace.TotalSeconds,
        };
        shutdownGrace.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 3600)
            {
                r.AddError("--shutdown-grace must be between 0 and 3600");
            }
        });
        var sessionIdle = new Option<int>("--session-idle-timeout")
        {
            HelpName = "SECONDS",
            Description = "Close pooled sessions unused for this many seconds (a shared server should not keep sessions, and their keepalives, on BMCs nobody uses).",
            DefaultValueFactory = _ => (int)new SessionPoolOptions().IdleTimeout.TotalSeconds,
        };
        sessionIdle.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--session-idle-timeout must be at least 1");
            }
        });
        command.Options.Add(framing);
        var fanOut = FanOutFlags.AddTo(command);
        command.Options.Add(targets);
        command.Options.Add(sdrCache);
        command.Options.Add(maxSessionAge);
        command.Options.Add(shutdownGrace);
        command.Options.Add(sessionIdle);
        command.Options.Add(logLevel);
        command.Options.Add(maxBytes);
        var socket = new Option<string?>("--socket")
        {
            HelpName = "PATH",
            Description = "Listen on this Unix domain socket (mode 0600, same-uid peers only) instead of stdin/stdout; "
                + "all connections share one session pool.",
        };
        var idleExit = new Option<int>("--idle-exit")
        {
            HelpName = "SECONDS",
            Description = "With --socket: close the sessions, remove the socket and exit after this many seconds without a connection (0 = never).",
            DefaultValueFactory = _ => 300,
        };
        idleExit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 0)
            {
                r.AddError("--idle-exit must not be negative");
            }
        });
        if (socketOptions)
        {
            command.Options.Add(socket);
            command.Options.Add(idleExit);
        }

        command.SetAction(async (parse, ct) =>
        {
            using var loggerFactory = HostComposition.CreateLoggerFactory(ParseLevel(parse.GetValue(logLevel)!));
            if (!TryCreateResolver(parse.GetValue(targets), loggerFactory, out var resolver))
            {
                return 2;
            }

            var context = HostComposition.CreateContext(resolver, loggerFactory,
                new SessionPoolOptions
                {
                    MaxSessionAge = TimeSpan.FromSeconds(parse.GetValue(maxSessionAge)),
                    IdleTimeout = TimeSpan.FromSeconds(parse.GetValue(sessionIdle)),
                }, parse.GetValue(sdrCache), fanOut: fanOut.Read(parse));
            var options = new ServerOptions
            {
                Framing = parse.GetValue(framing) switch { "ndjson" => Framing.Ndjson, "headers" => Framing.Headers, _ => Framing.Auto },
                MaxMessageBytes = parse.GetValue(maxBytes),
                ShutdownGrace = TimeSpan.FromSeconds(parse.GetValue(shutdownGrace)),
            };
            void OnFirstSignal(PosixSignal signal) => loggerFactory.CreateLogger("IpmiRpc.Host").LogInformation(
                "{Signal}: stopping (requests in flight cancelled, sessions closed within {Seconds} s); a second signal exits at once",
                signal, options.ShutdownGrace.TotalSeconds);
            if (socketOptions && parse.GetValue(socket) is { } socketPath)
            {
                if (!OperatingSystem.IsLinux())
                {
                    loggerFactory.CreateLogger("IpmiRpc.Host").LogCritical("--socket needs Linux (SO_PEERCRED)");
                    await context.DisposeAsync().ConfigureAwait(false);
                    return 2;
                }

                using var stopSocket = StopOnSignal(ct, OnFirstSignal);
                // stdout stays untouched: in socket mode nothing but the socket carries protocol bytes.
                var identity = ServerIdentity.Current(ServerIdentity.DescribeSettings(parse.GetValue(targets), parse.GetValue(maxSessionAge)));
                return await new SocketServer(context, options, socketPath, TimeSpan.FromSeconds(parse.GetValue(idleExit)), identity)
                    .RunAsync(stopSocket.Token).ConfigureAwait(false);
            }

            return await ServeStdioAsync(context, options, ct, OnFirstSignal).ConfigureAwait(false);
        });
    }

    /// <summary>JSON-RPC on this process's stdin/stdout until stdin closes or a signal stops it.</summary>
    private static async Task<int> ServeStdioAsync(HostContext context, ServerOptions options, CancellationToken ct, Action<PosixSignal>? onFirstSignal = null)
    {
        using var stop = StopOnSignal(ct, onFirstSignal);
        using var stdin = Console.OpenStandardInput();
        using var stdout = OpenProtocolOutput();
        return await new RpcServer(context, options).RunAsync(stdin, stdout, stop.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// SIGTERM/SIGINT: stop reading, cancel what is in flight, close sessions within a bounded grace, exit 0.
    /// A second signal exits at once (128 + signal number, as a shell reports it).
    /// </summary>
    private static SignalStop StopOnSignal(CancellationToken ct, Action<PosixSignal>? onFirstSignal = null)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var signals = 0;
        void OnSignal(PosixSignalContext c)
        {
            c.Cancel = true;
            if (Interlocked.Increment(ref signals) > 1)
            {
                Environment.Exit(c.Signal == PosixSignal.SIGINT ? 130 : 143);
            }

            onFirstSignal?.Invoke(c.Signal);
            stop.Cancel();
        }

        return new SignalStop(stop, PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal));
    }

    private sealed class SignalStop(CancellationTokenSource stop, PosixSignalRegistration onTerm, PosixSignalRegistration onInt) : IDisposable
    {
        public CancellationToken Token => stop.Token;

        public void Dispose()
        {
            onTerm.Dispose();
            onInt.Dispose();
            stop.Dispose();
        }
    }

    private static Command CreateConnect()
    {
        var socket = new Option<string>("--socket")
        {
            HelpName = "auto|PATH",
            Description = "The shared server's Unix socket: auto ($XDG_RUNTIME_DIR/ipmirpc.sock, else /tmp/ipmirpc-UID/ipmirpc.sock) or a path.",
            DefaultValueFactory = _ => "auto",
        };
        var targets = TargetsOption();
        var logLevel = LogLevelOption();
        var maxSessionAge = MaxSessionAgeOption("Passed to a server this starts (a server started with another value is not used); re-authenticate pooled sessions older than this many seconds.");
        var idleExit = new Option<int>("--idle-exit")
        {
            HelpName = "SECONDS",
            Description = "Passed to a server this starts: it exits after this many seconds without a connection (0 = never).",
            DefaultValueFactory = _ => 300,
        };
        var connectTimeout = new Option<int>("--connect-timeout")
        {
            HelpName = "SECONDS",
            Description = "Seconds a server that accepted the connection has to answer; then serve in-process instead.",
            DefaultValueFactory = _ => 10,
        };
        var startTimeout = new Option<int>("--start-timeout")
        {
            HelpName = "SECONDS",
            Description = "Seconds to wait for a server to start listening (started here or by another client); then serve in-process instead.",
            DefaultValueFactory = _ => 30,
        };
        foreach (var positive in new[] { idleExit, connectTimeout, startTimeout })
        {
            positive.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int>() < (positive == idleExit ? 0 : 1))
                {
                    r.AddError($"{positive.Name} is out of range");
                }
            });
        }

        var command = new Command("connect",
            "Like serve, but many short clients share one long-lived server and its BMC sessions: relay stdin/stdout to the "
            + "server on --socket, starting it when absent; when it cannot be used (another build or other settings), say why "
            + "on stderr and serve in-process instead.");
        command.Options.Add(socket);
        command.Options.Add(targets);
        command.Options.Add(maxSessionAge);
        command.Options.Add(idleExit);
        command.Options.Add(connectTimeout);
        command.Options.Add(startTimeout);
        command.Options.Add(logLevel);
        command.SetAction(async (parse, ct) =>
        {
            using var loggerFactory = HostComposition.CreateLoggerFactory(ParseLevel(parse.GetValue(logLevel)!));
            if (!TryCreateResolver(parse.GetValue(targets), loggerFactory, out var resolver))
            {
                return 2;
            }

            var logger = loggerFactory.CreateLogger("IpmiRpc.Host.Connect");
            if (OperatingSystem.IsLinux())
            {
                var client = new ConnectClient(new ConnectSettings(parse.GetValue(socket)!, parse.GetValue(targets), parse.GetValue(maxSessionAge),
                    parse.GetValue(idleExit), parse.GetValue(logLevel)!,
                    TimeSpan.FromSeconds(parse.GetValue(connectTimeout)), TimeSpan.FromSeconds(parse.GetValue(startTimeout))), logger);
                if (await client.ConnectAsync(ct).ConfigureAwait(false) is { } connection)
                {
                    using var stdin = Console.OpenStandardInput();
                    using var stdout = OpenProtocolOutput();
                    return await client.RelayAsync(connection, stdin, stdout).ConfigureAwait(false);
                }
            }
            else
            {
                logger.LogWarning("Serving in-process: a shared server needs Linux (SO_PEERCRED)");
            }

            var context = HostComposition.CreateContext(resolver, loggerFactory,
                new SessionPoolOptions { MaxSessionAge = TimeSpan.FromSeconds(parse.GetValue(maxSessionAge)) });
            return await ServeStdioAsync(context, new ServerOptions(), ct).ConfigureAwait(false);
        });
        return command;
    }

    private static Command CreateCall()
    {
        var method = new Argument<string>("method") { Description = "Method name, e.g. bmc.getDeviceId ('ipmirpc schema' lists them all)." };
        var parameters = new Option<string?>("--params")
        {
            HelpName = "JSON",
            Description = "Named params as a JSON object, e.g. '{\"target\": {\"host\": \"bmc1\", \"username\": \"admin\", \"passwordEnv\": \"BMC_PASSWORD\"}}' "
                + "(no passwords here, where other users can read them: use passwordEnv/passwordFile or --targets).",
        };
        var targets = TargetsOption();
        var logLevel = LogLevelOption();
        var sdrCache = SdrCacheOption();
        var command = new Command("call", "Run one method and exit: its result as JSON on stdout; on failure the JSON-RPC error on stderr and exit 1 (the call failed) or 2 (bad request).");
        command.Arguments.Add(method);
        command.Options.Add(parameters);
        command.Options.Add(targets);
        command.Options.Add(logLevel);
        command.Options.Add(sdrCache);
        command.SetAction(async (parse, ct) =>
        {
            using var loggerFactory = HostComposition.CreateLoggerFactory(ParseLevel(parse.GetValue(logLevel)!));
            JToken? paramsToken = null;
            if (parse.GetValue(parameters) is { } rawParams)
            {
                try
                {
                    paramsToken = GuardedMessageHandler.ParseText(rawParams);
                }
                catch (GuardedMessageHandler.ParseFailure)
                {
                    return await WriteErrorAsync(RpcError.Invalid(JsonRpcErrorCodes.ParseError, "params", "--params is not valid JSON"), 2).ConfigureAwait(false);
                }

                if (FindSecretOnArgv(paramsToken) is { } secretField)
                {
                    return await WriteErrorAsync(RpcError.Invalid(JsonRpcErrorCodes.InvalidParams, secretField,
                        "secrets are not accepted on the command line; use passwordEnv/passwordFile (kgEnv/kgFile) or --targets"), 2).ConfigureAwait(false);
                }
            }

            if (!TryCreateResolver(parse.GetValue(targets), loggerFactory, out var resolver))
            {
                return 2;
            }

            // Straight to the method, not through the JSON-RPC server: the same endpoint, error mapping and result
            // serializer, without StreamJsonRpc's start-up cost (see DirectCall).
            // One BMC needs one receive thread; a fan-out (targets) keeps the transport's default.
            var lan = paramsToken is JObject named && named.ContainsKey(Methods.Declarations.MethodDeclaration.TargetsParam) ? null : new LanPlusOptions { ReceiveThreads = 1 };
            var context = HostComposition.CreateContext(resolver, loggerFactory, sdrCacheDirectory: parse.GetValue(sdrCache), lan: lan);
            DirectCall.Outcome outcome;
            try
            {
                outcome = await DirectCall.InvokeAsync(context, parse.GetValue(method)!, paramsToken, ct, oneShot: true).ConfigureAwait(false);
            }
            finally
            {
                await context.DisposeAsync().ConfigureAwait(false);
            }

            if (outcome.Error is { } error)
            {
                var usage = error.Code is JsonRpcErrorCodes.ParseError or JsonRpcErrorCodes.InvalidRequest or JsonRpcErrorCodes.MethodNotFound or JsonRpcErrorCodes.InvalidParams;
                return await WriteErrorAsync(error, usage ? 2 : 1).ConfigureAwait(false);
            }

            await WriteAsync(Console.OpenStandardOutput(), outcome.Result ?? JValue.CreateNull()).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command CreateSchema()
    {
        var write = new Option<string?>("--write") { HelpName = "DIR", Description = "Write the schema/ tree (openrpc.base.json + methods/<method>.json) into this directory instead." };
        var command = new Command("schema", "Print the OpenRPC document (the same as rpc.discover), generated from the method declarations.");
        command.Options.Add(write);
        command.SetAction(async (parse, _) =>
        {
            if (parse.GetValue(write) is { } directory)
            {
                OpenRpcDocument.Write(directory);
                return 0;
            }

            await WriteAsync(Console.OpenStandardOutput(), OpenRpcDocument.Generated.Document).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command CreateMcp()
    {
        var targets = TargetsOption();
        var logLevel = LogLevelOption();
        var allowWrites = new Option<bool>("--allow-writes") { Description = "Also offer the tools that change a BMC (annotated destructive; each accepts dryRun)." };
        var sdrCache = SdrCacheOption();
        var command = new Command("mcp", "Serve the methods as Model Context Protocol (MCP) tools on stdin/stdout, for AI assistants; tools name BMCs from the --targets file only.");
        command.Options.Add(targets);
        command.Options.Add(logLevel);
        command.Options.Add(allowWrites);
        command.Options.Add(sdrCache);
        var fanOut = FanOutFlags.AddTo(command);
#if IPMIRPC_MCP_SIBLING
        // This image is built without the server (McpSibling says why): the sibling built with it takes over, given the
        // same arguments, which it parses with this same definition.
        command.SetAction(_ => OperatingSystem.IsLinux() ? McpSibling.Exec(Environment.GetCommandLineArgs()[1..]) : 1);
#else
        command.SetAction(async (parse, ct) =>
        {
            using var loggerFactory = HostComposition.CreateLoggerFactory(ParseLevel(parse.GetValue(logLevel)!));
            if (!TryCreateResolver(parse.GetValue(targets), loggerFactory, out var resolver))
            {
                return 2;
            }

            var context = HostComposition.CreateContext(resolver, loggerFactory, sdrCacheDirectory: parse.GetValue(sdrCache), fanOut: fanOut.Read(parse));
            await using (context.ConfigureAwait(false))
            {
                await new Mcp.McpHost(context, parse.GetValue(allowWrites)).RunAsync(ct).ConfigureAwait(false);
            }

            return 0;
        });
#endif
        return command;
    }

    private static async Task<int> WriteErrorAsync(RpcError error, int exitCode)
    {
        await WriteAsync(Console.OpenStandardError(), error.ToJson()).ConfigureAwait(false);
        return exitCode;
    }

    private static async Task WriteAsync(Stream stream, JToken token)
    {
        await using (stream.ConfigureAwait(false))
        {
            var bytes = Encoding.UTF8.GetBytes(token.ToString(Formatting.Indented) + "\n");
            await stream.WriteAsync(bytes).ConfigureAwait(false);
            await stream.FlushAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The path of a plain-text secret field anywhere in the params (<c>target.password</c>), or null.</summary>
    internal static string? FindSecretOnArgv(JToken token, string path = "")
    {
        switch (token)
        {
            case JObject obj:
                foreach (var property in obj.Properties())
                {
                    var field = path.Length == 0 ? property.Name : path + "." + property.Name;
                    if (property.Name is "password" or "kg" or "kgHex" && property.Value.Type != JTokenType.Null)
                    {
                        return field;
                    }

                    if (FindSecretOnArgv(property.Value, field) is { } nested)
                    {
                        return nested;
                    }
                }

                break;
            case JArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (FindSecretOnArgv(array[i], $"{path}[{i}]") is { } nested)
                    {
                        return nested;
                    }
                }

                break;
        }

        return null;
    }

    private static bool TryCreateResolver(string? targetsFile, ILoggerFactory loggerFactory, out TargetResolver resolver)
    {
        if (targetsFile is null)
        {
            resolver = new TargetResolver();
            return true;
        }

        try
        {
            resolver = TargetResolver.FromFile(targetsFile);
            return true;
        }
        catch (InvalidDataException ex)
        {
            loggerFactory.CreateLogger("IpmiRpc.Host").LogCritical("{Message}", ex.Message);
            resolver = null!;
            return false;
        }
    }

    private static LogLevel ParseLevel(string level) => level switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "information" => LogLevel.Information,
        "error" => LogLevel.Error,
        "critical" => LogLevel.Critical,
        "none" => LogLevel.None,
        _ => LogLevel.Warning,
    };
}
