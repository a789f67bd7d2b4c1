using System.Reflection;
using IpmiRpc.Host.Hosting;
using IpmiRpc.Host.Methods.Declarations;
using IpmiRpc.Host.Protocol;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Mcp;

/// <summary>
/// <c>ipmirpc mcp</c>: a Model Context Protocol server on stdin/stdout (the official SDK, ModelContextProtocol.Core,
/// without the generic host). Every tool call goes through <see cref="DirectCall"/> — the same binder, deadline,
/// error mapping and result serializer as the JSON-RPC host — over one <see cref="HostContext"/> (session pool,
/// targets file) for the life of the process.
/// </summary>
internal sealed class McpHost(HostContext host, bool allowWrites)
{
    /// <summary>Longest text summary of a result; the whole result is in the structured content.</summary>
    public const int MaxSummaryChars = 2000;

    private readonly McpToolCatalog _tools = new(host.Targets.Names, host.Targets.GroupNames, allowWrites);
    private readonly ILogger _logger = host.LoggerFactory.CreateLogger("IpmiRpc.Host.Mcp");

    /// <summary>Serves until stdin closes or <paramref name="cancellationToken"/> fires; leaves <c>host</c> to the caller.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var options = new McpServerOptions
        {
            ServerInfo = new Implementation
            {
                Name = "ipmirpc",
                Version = typeof(McpHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0",
            },
            ServerInstructions = "IPMI BMC tools. Name a BMC by its target name (the enum of each tool's `target`); "
                + (allowWrites ? "tools that change a BMC accept dryRun: true to report what would change without changing it." : "this server is read-only."),
            Capabilities = new ServerCapabilities { Tools = new ToolsCapability() },
            Handlers = new McpServerHandlers
            {
                ListToolsHandler = (_, _) => ValueTask.FromResult(new ListToolsResult { Tools = _tools.Tools }),
                CallToolHandler = (request, ct) => CallAsync(request.Params,
                    request.Params?.ProgressToken is { } token ? new McpProgress(request.Server, token, _logger) : null, ct),
            },
        };
        var stdin = new DrainingStdin(Console.OpenStandardInput(), _logger);
        options.Filters.Message.OutgoingFilters.Add(stdin.ForgetAnswered);
        using var stopPump = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pump = stdin.PumpAsync(DrainLimit, stopPump.Token);
        var transport = new StreamServerTransport(stdin.Input, Console.OpenStandardOutput(), options.ServerInfo.Name, host.LoggerFactory);
        await using (transport.ConfigureAwait(false))
        {
            var server = McpServer.Create(transport, options, host.LoggerFactory);
            await using (server.ConfigureAwait(false))
            {
                await server.RunAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        // A pump still blocked reading stdin (the server stopped for another reason) is left behind: a read of a pipe
        // cannot be cancelled, and the process is about to exit.
        await stopPump.CancelAsync().ConfigureAwait(false);
        if (pump.IsCompleted)
        {
            await pump.ConfigureAwait(false);
        }
    }

    /// <summary>After stdin ends, how long the answers still owed may take before the server stops anyway; every call
    /// has its own deadline well inside it.</summary>
    private static readonly TimeSpan DrainLimit = TimeSpan.FromMinutes(10);

    private async ValueTask<CallToolResult> CallAsync(CallToolRequestParams? request, Methods.FanOut.IProgressSink? progress, CancellationToken cancellationToken)
    {
        var toolName = request?.Name ?? "";
        if (!_tools.TryGet(toolName, out var entry))
        {
            throw new McpProtocolException($"Unknown tool: '{toolName}'", McpErrorCode.InvalidParams);
        }

        var method = entry.Declaration.Name;
        if (!entry.Exposed)
        {
            return Failure(method, RpcError.Invalid(JsonRpcErrorCodes.MethodNotFound, "name",
                $"{toolName} changes the BMC; the server must be started with --allow-writes to offer it"));
        }

        var arguments = new JObject();
        foreach (var (name, value) in request?.Arguments ?? new Dictionary<string, System.Text.Json.JsonElement>())
        {
            arguments[name] = JToken.Parse(value.GetRawText());
        }

        if (arguments[MethodDeclaration.TargetParam] is { } target && target.Type is not (JTokenType.String or JTokenType.Null))
        {
            // A target object would carry a host, a user and a password source chosen by the model: only names from the
            // operator's targets file are accepted here.
            return Failure(method, RpcError.Invalid(JsonRpcErrorCodes.InvalidParams, MethodDeclaration.TargetParam,
                "must be the name of a target in the server's targets file"));
        }

        var fanOut = entry.Declaration.Attribute.FanOut && arguments.ContainsKey(MethodDeclaration.TargetsParam);
        if (fanOut)
        {
            try
            {
                // Names and ranges over named templates only: the same rule as target, checked before anything runs.
                _ = host.Targets.ExpandTargets(arguments[MethodDeclaration.TargetsParam], MethodDeclaration.TargetsParam, host.FanOut.MaxTargets, namesOnly: true);
            }
            catch (RpcParamException ex)
            {
                return Failure(method, RpcError.Invalid(JsonRpcErrorCodes.InvalidParams, ex.Field, ex.Reason));
            }
        }

        var outcome = await DirectCall.InvokeAsync(host, method, arguments, cancellationToken, progress).ConfigureAwait(false);
        if (cancellationToken.IsCancellationRequested)
        {
            // notifications/cancelled (or shutdown): the request's token stopped the IPMI exchange; the SDK sends no answer.
            _logger.LogInformation("{Tool}: cancelled by the client", toolName);
            throw new OperationCanceledException(cancellationToken);
        }

        if (outcome.Error is { } error)
        {
            return Failure(method, error);
        }

        var result = outcome.Result ?? JValue.CreateNull();
        var structured = !fanOut && (entry.WrapsResult || result is not JObject)
            ? new JObject { [entry.Declaration.Attribute.ResultName] = result }
            : result;
        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = Summary(method, result) }],
            StructuredContent = McpToolCatalog.ToElement(structured),
        };
    }

    /// <summary>A fan-out's progress as MCP <c>notifications/progress</c> for the call's progress token.</summary>
    private sealed class McpProgress(McpServer server, ProgressToken token, ILogger logger) : Methods.FanOut.IProgressSink
    {
        public async ValueTask ReportAsync(int done, int total, CancellationToken cancellationToken)
        {
            try
            {
                await server.NotifyProgressAsync(token, new ProgressNotificationValue { Progress = done, Total = total, Message = $"{done}/{total} targets" },
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
            {
                logger.LogDebug(ex, "Progress not delivered");
            }
        }
    }

    /// <summary>The result as compact JSON, cut at <see cref="MaxSummaryChars"/>: readable in a client's transcript.</summary>
    private static string Summary(string method, JToken result)
    {
        var json = result.ToString(Formatting.None);
        return json.Length <= MaxSummaryChars
            ? $"{method}: {json}"
            : $"{method}: {json[..MaxSummaryChars]}… ({json.Length - MaxSummaryChars} more characters in the structured content)";
    }

    /// <summary>A tool error (isError) carrying the JSON-RPC error: "code message" and the error object as JSON.</summary>
    private static CallToolResult Failure(string method, RpcError error) => new()
    {
        IsError = true,
        Content = [new TextContentBlock { Text = $"{method} failed: {error.Code} {error.Message}\n{error.ToJson().ToString(Formatting.None)}" }],
    };
}
