using IpmiRpc.Core;
using IpmiRpc.Host.Schema;
using IpmiRpc.Host.Targets;
using IpmiRpc.Transports.Cim;
using IpmiRpc.Transports.Lan;
using IpmiRpc.Transports.OpenIpmi;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace IpmiRpc.Host.Hosting;

/// <summary>The one place the process is wired together: logging, transports, pool, targets, schema.</summary>
public static class HostComposition
{
    /// <summary>Console logger writing every level to stderr: stdout carries protocol bytes only.</summary>
    public static ILoggerFactory CreateLoggerFactory(LogLevel level) =>
        LoggerFactory.Create(builder => builder
            .SetMinimumLevel(level)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            }));

    public static IReadOnlyList<IIpmiTransport> CreateTransports(ILoggerFactory loggerFactory)
    {
        return
        [
            new LanPlusTransport(logger: loggerFactory.CreateLogger("IpmiRpc.Transports.Lan")),
            new OpenIpmiTransport(),
            new CimTransport(),
        ];
    }

    public static HostContext CreateContext(TargetResolver targets, ILoggerFactory loggerFactory) =>
        new(CreateTransports(loggerFactory), targets, OpenRpcDocument.LoadEmbedded(), loggerFactory);
}
