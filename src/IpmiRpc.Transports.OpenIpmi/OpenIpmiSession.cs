using System.Globalization;
using IpmiRpc.Core;
using IpmiRpc.Core.Targets;
using IpmiRpc.Core.Threading;
using IpmiRpc.Transports.OpenIpmi.Interop;

namespace IpmiRpc.Transports.OpenIpmi;

/// <summary>
/// One open device fd. Many requests may be in flight: each gets a msgid, one reader thread drains the kernel queue
/// and completes the matching waiter. The kernel does the retries on the wire; this only bounds the wait.
/// </summary>
internal sealed class OpenIpmiSession : IIpmiSession
{
    private static readonly TimeSpan BusyBackoff = TimeSpan.FromMilliseconds(5);
    private readonly IIpmiDevice _device;
    private readonly PendingReplies _pending = new();
    private readonly TaskCompletionSource _readerExited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _timeoutMs;
    private readonly int _retries;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private Exception? _fault;
    private int _closed;
    private int _disposeStarted;

    /// <param name="time">The clock of the per-request deadline (monotonic; tests pass a fake one).</param>
    public OpenIpmiSession(IIpmiDevice device, IpmiTarget target, TimeProvider? time = null)
    {
        _device = device;
        _time = time ?? TimeProvider.System;
        _timeoutMs = target.TimeoutMs > 0 ? target.TimeoutMs : 1000;
        _retries = Math.Max(0, target.Retries);
        _timeout = TimeSpan.FromMilliseconds((double)_timeoutMs * (_retries + 1));
        var reader = new Thread(ReadLoop) { IsBackground = true, Name = "openipmi-reader " + device.Path };
        reader.Start();
    }

    public bool IsUsable => Volatile.Read(ref _closed) == 0;

    internal int InFlight => _pending.Count;

    public IReadOnlyDictionary<string, object?> Describe() => new Dictionary<string, object?>
    {
        ["device"] = _device.Path,
        ["inFlight"] = _pending.Count,
    };

    public async Task<IpmiResponse> SendAsync(IpmiRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        CheckDataLength(request);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfClosed();
        var started = _time.GetTimestamp();
        var (msgId, reply) = _pending.Register();
        try
        {
            // Registered before the check, so a concurrent close either sees this waiter or is seen here.
            ThrowIfClosed();

            // The deadline's timer runs before the request reaches the device: whoever sees it there (a test on a
            // fake clock) knows the timeout is already counting.
            var answered = reply.WaitAsync(_timeout, _time, cancellationToken);
            try
            {
                await QueueAsync(msgId, request, started, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // Never queued: nobody will await the wait, so observe its outcome here.
                answered.Abandon();
                throw;
            }

            DeviceReply answer;
            try
            {
                answer = await answered.ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw TimedOut(request);
            }

            return ToResponse(request, answer);
        }
        finally
        {
            _pending.Forget(msgId);
        }
    }

    /// <summary>
    /// The driver takes at most <see cref="IpmiRequest.MaxDataLength"/> data bytes. More is the caller's mistake, not a
    /// fault here: an invalid argument (-32602 in the host), not an internal error.
    /// </summary>
    internal static void CheckDataLength(IpmiRequest request)
    {
        if (request.Data.Length > IpmiRequest.MaxDataLength)
        {
            throw new IpmiInvalidArgumentException(nameof(IpmiRequest.Data), $"at most {IpmiRequest.MaxDataLength} bytes");
        }
    }

    private async Task QueueAsync(long msgId, IpmiRequest request, long started, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                _device.Send(msgId, request);
                return;
            }
            catch (DeviceBusyException)
            {
                // The kernel caps messages outstanding per user; wait for some to finish.
                if (_time.GetElapsedTime(started) >= _timeout)
                {
                    throw TimedOut(request);
                }

                await Task.Delay(BusyBackoff, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                throw Closed();
            }
        }
    }

    private IpmiTimeoutException TimedOut(IpmiRequest request) => new(
        string.Create(CultureInfo.InvariantCulture, $"No answer from {_device.Path} to netFn 0x{request.NetFn:X2} command 0x{request.Command:X2} within {_timeout.TotalMilliseconds:0} ms"),
        _timeoutMs,
        _retries);

    internal static IpmiResponse ToResponse(IpmiRequest request, DeviceReply reply)
    {
        if (reply.Data.Length == 0)
        {
            throw new IpmiDecodeException("openipmi reply: 0 bytes, expected at least 1 (completion code)");
        }

        // The kernel matched it by msgid already; a different command would mean a driver or BMC bug.
        if (reply.Command != request.Command || (reply.NetFn & ~1) != (request.NetFn & ~1))
        {
            throw new IpmiDecodeException(string.Create(
                CultureInfo.InvariantCulture,
                $"openipmi reply is for netFn 0x{reply.NetFn:X2} command 0x{reply.Command:X2}, expected netFn 0x{request.NetFn | 1:X2} command 0x{request.Command:X2}"));
        }

        return new IpmiResponse(reply.Data[0], reply.Data.AsMemory(1));
    }

    private void ReadLoop()
    {
        try
        {
            while (_device.WaitReadable())
            {
                while (_device.TryReceive(out var reply))
                {
                    if (reply.RecvType == IpmiIoctl.ResponseRecvType)
                    {
                        _pending.TryComplete(reply);
                    }
                }
            }
        }
        catch (Exception ex)
        {
            _fault = ex;
        }
        finally
        {
            Volatile.Write(ref _closed, 1);
            _pending.FailAll(Closed());
            _device.Dispose();
            _readerExited.TrySetResult();
        }
    }

    private void ThrowIfClosed()
    {
        if (Volatile.Read(ref _closed) != 0)
        {
            throw Closed();
        }
    }

    private IpmiException Closed() =>
        _fault as IpmiException ?? new TransportUnavailableException(
            IpmiTarget.OpenIpmi,
            $"The session on {_device.Path} is closed" + (_fault is null ? "" : ": " + _fault.Message),
            "retry; a new session will be opened");

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposeStarted, 1) != 0)
        {
            await _readerExited.Task.ConfigureAwait(false);
            return;
        }

        Volatile.Write(ref _closed, 1);
        try
        {
            _device.Wake();
        }
        catch (ObjectDisposedException)
        {
            // The reader already ended and closed the device.
        }

        // The reader owns the fd from here: it fails the waiters and closes it on its way out.
        await _readerExited.Task.ConfigureAwait(false);
    }
}
