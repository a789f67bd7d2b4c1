using IpmiRpc.Core;
using IpmiRpc.Core.Sdr;
using IpmiRpc.Core.Sessions;
using IpmiRpc.Core.Targets;
using IpmiRpc.Host.Schema;
using IpmiRpc.Host.Targets;
using Microsoft.Extensions.Logging;

namespace IpmiRpc.Host.Hosting;

/// <summary>The services methods use: the session pool, target resolution, the schema, logging.</summary>
public sealed class HostContext : IAsyncDisposable
{
    private readonly IReadOnlyList<IIpmiTransport> _transports;
    private readonly ILogger _logger;
    private readonly Methods.FanOut.FanOutOptions _fanOut = new();
    private Methods.FanOut.FanOutLimiter _fanOutLimiter;
    private int _disposed;

    public HostContext(IReadOnlyList<IIpmiTransport> transports, TargetResolver targets, OpenRpcDocument schema, ILoggerFactory loggerFactory, SessionPoolOptions? poolOptions = null, TimeProvider? time = null)
    {
        _transports = transports;
        Targets = targets;
        Schema = schema;
        LoggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("IpmiRpc.Host");
        Time = time ?? TimeProvider.System;
        Pool = new SessionPool(transports, poolOptions, Time, loggerFactory.CreateLogger("IpmiRpc.Core.Sessions"));
        _fanOutLimiter = new(_fanOut);
    }

    /// <summary>The clock methods wait on (polls, deadlines); a fake one in tests.</summary>
    public TimeProvider Time { get; }

    public SessionPool Pool { get; }

    /// <summary>Arrival order of writes per BMC, shared by every connection (stdio, or all clients of the socket).</summary>
    public BmcOrdering Ordering { get; } = new();

    public TargetResolver Targets { get; }

    /// <summary>SDR repositories per BMC and shared per model/firmware (sdr.list, sensors.list); on disk with --sdr-cache.</summary>
    public SdrCache SdrCache { get; init; } = new();

    /// <summary>Bounds of fan-out calls (<c>targets</c>).</summary>
    public Methods.FanOut.FanOutOptions FanOut
    {
        get => _fanOut;
        init
        {
            _fanOut = value;
            _fanOutLimiter = new(value);
        }
    }

    /// <summary>The global and per-BMC bounds every fan-out of this process shares.</summary>
    internal Methods.FanOut.FanOutLimiter FanOutLimiter => _fanOutLimiter;

    public OpenRpcDocument Schema { get; }

    public ILoggerFactory LoggerFactory { get; }

    /// <summary>An <see cref="IpmiSend"/> bound to one target over the pool (a pooled session, opened on first use).</summary>
    public IpmiSend SendFor(IpmiTarget target) => Pool.SenderFor(target);

    /// <summary>Closes every pooled session (IPMI Close Session) and disposes the transports.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var closed = 0;
        try
        {
            closed = await Pool.CloseAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Closing pooled sessions failed");
        }

        await Pool.DisposeAsync().ConfigureAwait(false);
        _logger.LogDebug("Closed {Count} sessions", closed);
        foreach (var transport in _transports)
        {
            try
            {
                switch (transport)
                {
                    case IAsyncDisposable asyncDisposable:
                        await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                        break;
                    case IDisposable disposable:
                        disposable.Dispose();
                        break;
                }
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Disposing transport {Transport} failed", transport.Name);
            }
        }
    }
}
