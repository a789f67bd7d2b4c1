using IpmiRpc.Core;
using IpmiRpc.Core.Sdr;
using IpmiRpc.Core.Sessions;
using IpmiRpc.Host.Inventory;
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
    /// <remarks>
    /// Built by hand instead of <c>LoggerFactory.Create(b =&gt; b.AddConsole())</c>: that builds a DI container, and under
    /// NativeAOT resolving its open-generic registrations was a quarter of a cold <c>ipmirpc call</c>.
    /// </remarks>
    public static ILoggerFactory CreateLoggerFactory(LogLevel level)
    {
        var options = new ConsoleLoggerOptions
        {
            FormatterName = StderrLogFormatter.FormatterName,
            LogToStandardErrorThreshold = LogLevel.Trace,
        };
        var factory = new LoggerFactory([], new LoggerFilterOptions { MinLevel = level });
        // AddProvider (not the constructor) so disposing the factory disposes the provider, which flushes its queue.
        factory.AddProvider(new DeferredLoggerProvider(() =>
            new ConsoleLoggerProvider(new FixedOptionsMonitor<ConsoleLoggerOptions>(options), [new StderrLogFormatter()])));
        return factory;
    }

    /// <param name="lan">Options of the lanplus transport (receive threads); null for the defaults.</param>
    public static IReadOnlyList<IIpmiTransport> CreateTransports(ILoggerFactory loggerFactory, LanPlusOptions? lan = null)
    {
        return
        [
            new LanPlusTransport(lan, loggerFactory.CreateLogger("IpmiRpc.Transports.Lan")),
            new OpenIpmiTransport(),
            new CimTransport(),
        ];
    }

    /// <param name="sdrCacheDirectory"><c>--sdr-cache DIR</c>: also keep SDR repositories there (0700), across processes.</param>
    public static HostContext CreateContext(TargetResolver targets, ILoggerFactory loggerFactory, SessionPoolOptions? poolOptions = null, string? sdrCacheDirectory = null,
        Methods.FanOut.FanOutOptions? fanOut = null, LanPlusOptions? lan = null) =>
        new(CreateTransports(loggerFactory, lan), targets, OpenRpcDocument.Generated, loggerFactory, poolOptions)
        {
            SdrCache = new SdrCache(new SdrCacheOptions { Persistence = sdrCacheDirectory is null ? null : new DirectorySdrCachePersistence(sdrCacheDirectory) }),
            FanOut = fanOut ?? new(),
        };
}
