using System.Collections.Concurrent;

namespace IpmiRpc.Transports.Cim.Tests;

/// <summary>
/// Stands in for Microsoft.Management.Infrastructure behind the seam: records every connection and every call, and
/// answers with out-parameters the test scripts (or throws what the test scripts).
/// </summary>
internal sealed class FakeCimGatewayFactory : ICimGatewayFactory
{
    private int _connects;

    public ConcurrentQueue<CimConnectionOptions> Connections { get; } = new();
    public ConcurrentQueue<FakeCimGateway> Gateways { get; } = new();

    /// <summary>Thrown by the next Connect calls (dequeued one per call).</summary>
    public ConcurrentQueue<Exception> ConnectFailures { get; } = new();

    /// <summary>Answers every invoke; default: Get Device ID style success with two data bytes.</summary>
    public Func<IReadOnlyList<CimArgument>, IReadOnlyDictionary<string, object?>> Responder { get; set; } =
        _ => OutParameters(0x00, [0x00, 0x20, 0x81], 3);

    /// <summary>Runs inside every invoke before the responder (to block, count concurrency, or throw).</summary>
    public Action<FakeCimGateway>? OnInvoke { get; set; }

    public int ConnectCount => Volatile.Read(ref _connects);

    public ICimIpmiGateway Connect(CimConnectionOptions options, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _connects);
        Connections.Enqueue(options);
        if (ConnectFailures.TryDequeue(out var failure))
        {
            throw failure;
        }

        var gateway = new FakeCimGateway(this, Gateways.Count + 1);
        Gateways.Enqueue(gateway);
        return gateway;
    }

    public static IReadOnlyDictionary<string, object?> OutParameters(byte completionCode, byte[]? responseData, uint? size) =>
        new Dictionary<string, object?>
        {
            ["CompletionCode"] = completionCode,
            ["ResponseData"] = responseData,
            ["ResponseDataSize"] = size,
        };
}

internal sealed class FakeCimGateway(FakeCimGatewayFactory factory, int number) : ICimIpmiGateway
{
    private int _disposed;

    public int Number { get; } = number;
    public string? InstanceName => "Root\\SYSTEM\\0001_" + Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;
    public ConcurrentQueue<IReadOnlyList<CimArgument>> Calls { get; } = new();

    /// <summary>Thrown by the next invokes on this gateway (dequeued one per call).</summary>
    public ConcurrentQueue<Exception> InvokeFailures { get; } = new();

    public IReadOnlyDictionary<string, object?> InvokeRequestResponse(
        IReadOnlyList<CimArgument> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (IsDisposed)
        {
            throw new InvalidOperationException("invoke on a disposed gateway");
        }

        Calls.Enqueue(arguments);
        factory.OnInvoke?.Invoke(this);
        if (InvokeFailures.TryDequeue(out var failure))
        {
            throw failure;
        }

        return factory.Responder(arguments);
    }

    public void Dispose() => Interlocked.Exchange(ref _disposed, 1);
}
