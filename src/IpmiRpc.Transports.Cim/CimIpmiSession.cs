using System.Globalization;
using IpmiRpc.Core;
using IpmiRpc.Core.Targets;
using IpmiRpc.Core.Threading;

namespace IpmiRpc.Transports.Cim;

/// <summary>
/// One pooled CimSession with its cached Microsoft_IPMI instance. Calls are serialized (one RequestResponse in flight per
/// CimSession, as the WMI provider handles them one by one anyway); different sessions run concurrently. After a
/// connection-type failure the CimSession is dropped and created again on the next call, so the pool entry stays usable.
/// </summary>
internal sealed class CimIpmiSession : IIpmiSession
{
    private readonly ICimGatewayFactory _factory;
    private readonly CimConnectionOptions _options;
    private readonly TimeSpan _grace;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ICimIpmiGateway? _gateway;
    private string? _instanceName;
    private int _connects;
    private int _pending;
    private long _requests;
    private int _disposed;

    /// <param name="time">The clock of the per-call deadlines (tests pass a fake one).</param>
    public CimIpmiSession(ICimGatewayFactory factory, CimConnectionOptions options, TimeSpan? grace = null, TimeProvider? time = null)
    {
        _factory = factory;
        _options = options;
        _grace = grace ?? TimeSpan.FromSeconds(2);
        _time = time ?? TimeProvider.System;
    }

    public bool IsUsable => Volatile.Read(ref _disposed) == 0;

    /// <summary>How many CimSessions were created over this session's life (1 unless one had to be re-created).</summary>
    public int ConnectCount => Volatile.Read(ref _connects);

    /// <summary>How long a call may hold the session before the caller gives up on it: the CIM timeout plus a margin.</summary>
    private TimeSpan Deadline => _options.OperationTimeout + _grace;

    /// <summary>Creates the CimSession and finds the Microsoft_IPMI instance now, so an unusable target fails at open.</summary>
    public Task ConnectAsync(CancellationToken cancellationToken) =>
        RunExclusiveAsync(ct =>
        {
            EnsureGateway(ct);
            return true;
        }, cancellationToken);

    public async Task<IpmiResponse> SendAsync(IpmiRequest request, CancellationToken cancellationToken)
    {
        if (request.Channel is byte channel && channel != 0)
        {
            throw new IpmiNotSupportedException(
                $"The cim transport cannot bridge to channel {channel}: Microsoft_IPMI.RequestResponse addresses the BMC's own IPMB only");
        }

        if (request.Data.Length > IpmiRequest.MaxDataLength)
        {
            throw new IpmiNotSupportedException(
                $"Request data of {request.Data.Length} bytes exceeds the {IpmiRequest.MaxDataLength}-byte limit");
        }

        var arguments = MicrosoftIpmi.BuildArguments(request);
        return await RunExclusiveAsync(ct => Invoke(arguments, ct), cancellationToken).ConfigureAwait(false);
    }

    public IReadOnlyDictionary<string, object?> Describe() => new Dictionary<string, object?>
    {
        ["transport"] = IpmiTarget.Cim,
        ["computerName"] = _options.DisplayName,
        ["protocol"] = _options.ProtocolName,
        ["username"] = _options.Username.Length == 0 ? null : _options.Username,
        ["instanceName"] = Volatile.Read(ref _instanceName),
        ["connected"] = Volatile.Read(ref _gateway) is not null,
        ["connects"] = ConnectCount,
        ["requests"] = Interlocked.Read(ref _requests),
    };

    public override string ToString() => _options.ToString();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Let a call in progress finish (bounded) so the CimSession is not pulled from under it.
        var entered = await EnterAsync(Deadline, CancellationToken.None).ConfigureAwait(false);
        try
        {
            DropGateway();
        }
        finally
        {
            if (entered)
            {
                _gate.Release();
            }
        }
    }

    private IpmiResponse Invoke(IReadOnlyList<CimArgument> arguments, CancellationToken cancellationToken)
    {
        var reused = _gateway is not null;
        var gateway = EnsureGateway(cancellationToken);
        IReadOnlyDictionary<string, object?> outParameters;
        try
        {
            outParameters = gateway.InvokeRequestResponse(arguments, _options.OperationTimeout, cancellationToken);
        }
        catch (CimGatewayException ex) when (reused && ex.Kind == CimFailureKind.Connection && !cancellationToken.IsCancellationRequested)
        {
            // A pooled CimSession whose server went away (WinRM restarted, host rebooted): the request did not get
            // through, so one fresh CimSession gets it.
            DropGateway();
            outParameters = EnsureGateway(cancellationToken).InvokeRequestResponse(arguments, _options.OperationTimeout, cancellationToken);
        }

        Interlocked.Increment(ref _requests);
        return MicrosoftIpmi.ParseResponse(outParameters);
    }

    private ICimIpmiGateway EnsureGateway(CancellationToken cancellationToken)
    {
        if (_gateway is { } existing)
        {
            return existing;
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var gateway = _factory.Connect(_options, cancellationToken);
        Interlocked.Increment(ref _connects);
        Volatile.Write(ref _instanceName, gateway.InstanceName);
        Volatile.Write(ref _gateway, gateway);
        return gateway;
    }

    private void DropGateway()
    {
        var gateway = Interlocked.Exchange(ref _gateway, null);
        try
        {
            gateway?.Dispose();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Closing a CimSession whose server is gone may fail; it is gone either way.
        }
    }

    /// <summary>
    /// Runs blocking CIM work on the thread pool while holding the session's gate. The gate is released by the work
    /// itself, so a caller that stops waiting (cancellation, deadline) never lets a second call overlap a stuck one.
    /// </summary>
    private async Task<T> RunExclusiveAsync<T>(Func<CancellationToken, T> work, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            throw new TransportUnavailableException(IpmiTarget.Cim, $"The CIM session to {_options.DisplayName} is closed", "Retry: the pool opens a new one");
        }

        // Each call ahead in the queue may hold the session for at most one deadline; waiting longer than that for all
        // of them means one is stuck.
        var ahead = Interlocked.Increment(ref _pending) - 1;
        bool entered;
        try
        {
            var wait = TimeSpan.FromMilliseconds(Math.Min(int.MaxValue - 1, Deadline.TotalMilliseconds * (ahead + 1)));
            entered = await EnterAsync(wait, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Interlocked.Decrement(ref _pending);
            throw;
        }

        if (!entered)
        {
            Interlocked.Decrement(ref _pending);
            throw Timeout("an earlier request on this CIM session is still running");
        }

        var task = Task.Run(() =>
        {
            try
            {
                return work(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                if (CimErrors.NeedsNewSession(ex))
                {
                    DropGateway();
                }

                throw CimErrors.Map(ex is ObjectDisposedException ? new TransportUnavailableException(
                    IpmiTarget.Cim, $"The CIM session to {_options.DisplayName} is closed", "Retry: the pool opens a new one") : ex, _options);
            }
            finally
            {
                Interlocked.Decrement(ref _pending);
                _gate.Release();
            }
        }, CancellationToken.None);

        try
        {
            return await task.WaitAsync(Deadline, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The CIM operation ignored its own timeout; abandon it (its task still releases the gate when it ends).
            task.Abandon();
            throw Timeout("the CIM call did not return");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !task.IsCompleted)
        {
            task.Abandon();
            throw;
        }
    }

    /// <summary>Takes the gate within <paramref name="wait"/> on this session's clock; false when the wait ran out.</summary>
    private async Task<bool> EnterAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(wait, _time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await _gate.WaitAsync(either.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private IpmiTimeoutException Timeout(string why)
    {
        var ms = (int)Math.Min(int.MaxValue, Deadline.TotalMilliseconds);
        return new IpmiTimeoutException(
            string.Create(CultureInfo.InvariantCulture, $"No answer from the IPMI provider on {_options.DisplayName} within {ms} ms: {why}"), ms, 0);
    }
}
