using System.Net;
using System.Net.Sockets;

namespace IpmiRpc.Transports.Lan.Tests;

/// <summary>
/// A loopback UDP man-in-the-middle between the transport and a simulator: can record, alter, duplicate or drop the
/// BMC's answers. Bounded by its own cancellation; disposed by the test.
/// </summary>
internal sealed class UdpRelay : IAsyncDisposable
{
    private readonly UdpClient _front = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly UdpClient _back = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly IPEndPoint _bmc;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _forward;
    private readonly Task _backward;
    private IPEndPoint? _client;

    /// <param name="fromBmc">Maps each BMC datagram to the datagrams to deliver (empty: drop).</param>
    public UdpRelay(int bmcPort, Func<byte[], IEnumerable<byte[]>>? fromBmc = null)
    {
        _bmc = new IPEndPoint(IPAddress.Loopback, bmcPort);
        FromBmc = fromBmc ?? (d => [d]);
        _forward = Task.Run(ForwardAsync);
        _backward = Task.Run(BackwardAsync);
    }

    public int Port => ((IPEndPoint)_front.Client.LocalEndPoint!).Port;

    public Func<byte[], IEnumerable<byte[]>> FromBmc { get; set; }

    /// <summary>Decides for each datagram from the transport whether the BMC gets it (false: drop).</summary>
    public Func<byte[], bool> ToBmc { get; set; } = _ => true;

    public List<byte[]> ClientToBmc { get; } = [];

    public List<byte[]> BmcToClient { get; } = [];

    /// <summary>Delivers a datagram to the transport now (one held back earlier).</summary>
    public Task SendToClientAsync(byte[] datagram) => _front.SendAsync(datagram, _client!).AsTask();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _front.Dispose();
        _back.Dispose();
        try
        {
            await Task.WhenAll(_forward, _backward).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
        }

        _stop.Dispose();
    }

    private async Task ForwardAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var r = await _front.ReceiveAsync(_stop.Token);
            // The first sender is the transport under test. Another test running in parallel may send to this port
            // (it asked for a "free" port that became ours): ignore it, or the BMC's answers would go to it.
            _client ??= r.RemoteEndPoint;
            if (!_client.Equals(r.RemoteEndPoint))
            {
                continue;
            }

            lock (ClientToBmc)
            {
                ClientToBmc.Add(r.Buffer);
            }

            if (ToBmc(r.Buffer))
            {
                await _back.SendAsync(r.Buffer, _bmc, _stop.Token);
            }
        }
    }

    private async Task BackwardAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var r = await _back.ReceiveAsync(_stop.Token);
            lock (BmcToClient)
            {
                BmcToClient.Add(r.Buffer);
            }

            foreach (var d in FromBmc(r.Buffer))
            {
                await _front.SendAsync(d, _client!, _stop.Token);
            }
        }
    }
}
