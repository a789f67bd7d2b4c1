using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using IpmiRpc.Bench;
using IpmiRpc.Core;
using IpmiRpc.Core.Commands.App;
using IpmiRpc.Core.Targets;
using IpmiRpc.Transports.Lan;
using IpmiRpc.Transports.Lan.Crypto;
using IpmiRpc.Transports.Lan.Wire;

// Short jobs: these guide profiling; the headline numbers come from tests/bench/run.sh's end-to-end scenarios.
var config = DefaultConfig.Instance
    .AddJob(Job.ShortRun.WithWarmupCount(2).WithIterationCount(5))
    .AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default)
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromAssembly(typeof(HostBenchmarks).Assembly).Run(args, config);

/// <summary>Scenario 6 in BenchmarkDotNet form: one JSON-RPC request through the real host over in-memory pipes.</summary>
[MemoryDiagnoser]
public class HostBenchmarks
{
    private static readonly string Params = "{\"target\":{\"host\":\"127.0.0.1\",\"port\":623,\"username\":\"ipmiusr\",\"passwordEnv\":\"IPMI_PASSWORD\",\"cipherSuite\":3}}";
    private InMemoryHost _host = null!;
    private IpmiTarget _target = null!;
    private readonly IpmiRequest _request = new(0x06, 0x01, ReadOnlyMemory<byte>.Empty);

    [GlobalSetup]
    public void Setup()
    {
        _host = InMemoryHost.Start();
        _host.Client.CallAsync("bmc.getDeviceId", Params).GetAwaiter().GetResult();
        _target = new IpmiTarget { Transport = IpmiTarget.LanPlus, Host = "127.0.0.1", Port = 623, Username = "ipmiusr", Password = Secret.FromString("test"), CipherSuite = 3 };
    }

    [GlobalCleanup]
    public void Cleanup() => _host.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Description = "JSON-RPC bmc.getDeviceId round trip (in-memory)")]
    public Task<string> JsonRpcRoundTrip() => _host.Client.CallAsync("bmc.getDeviceId", Params);

    [Benchmark(Description = "SessionPool.SendAsync (in-memory session)")]
    public Task<IpmiResponse> PoolSend() => _host.Context.Pool.SendAsync(_target, _request, CancellationToken.None);

    [Benchmark(Description = "IpmiTarget.Identity (pool key)")]
    public TargetIdentity Identity() => _target.Identity;
}

/// <summary>The per-packet work of an RMCP+ session (cipher suite 3: HMAC-SHA1-96 + AES-CBC-128) and the decode.</summary>
[MemoryDiagnoser]
public class WireBenchmarks
{
    private SessionSecurity _client = null!;
    private SessionSecurity _bmc = null!;
    private readonly byte[] _message = new byte[64];
    private readonly byte[] _datagram = new byte[256];
    private readonly byte[] _opened = new byte[256];
    private byte[] _response = null!;
    private int _messageLength;
    private uint _sequence;
    private static readonly byte[] DeviceIdData = [0x00, 0x03, 0x09, 0x08, 0x02, 0x9F, 0x91, 0x12, 0x00, 0x02, 0x0F, 0x00, 0x00, 0x00, 0x00];

    [GlobalSetup]
    public void Setup()
    {
        var k1 = RandomNumberGenerator.GetBytes(20);
        var k2 = RandomNumberGenerator.GetBytes(20);
        _client = new SessionSecurity(CipherSuite.Suite3, k1, k2, 0x0200, 0xA0A0, replayWindow: 32);
        _bmc = new SessionSecurity(CipherSuite.Suite3, k1, k2, 0xA0A0, 0x0200, replayWindow: 32);
        _messageLength = IpmiLanMessage.EncodeRequest(_message, 0x20, 0x06, 0, 1, 0x01, ReadOnlySpan<byte>.Empty);
        // A Get Device ID answer as the BMC would seal it (response message: rqAddr, netFn|1, chk, rsAddr, seq, cmd, cc, data, chk).
        var response = new byte[7 + DeviceIdData.Length + 1];
        response[0] = 0x81;
        response[1] = 0x07 << 2;
        response[2] = IpmiLanMessage.Checksum(response.AsSpan(0, 2));
        response[3] = 0x20;
        response[4] = 1 << 2;
        response[5] = 0x01;
        response[6] = 0x00;
        DeviceIdData.CopyTo(response, 7);
        response[^1] = IpmiLanMessage.Checksum(response.AsSpan(3, response.Length - 4));
        _response = response;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _bmc.Dispose();
    }

    [Benchmark(Description = "Seal Get Device ID request (suite 3)")]
    public int SealRequest() => _client.Seal(_datagram, PayloadType.Ipmi, ++_sequence, _message.AsSpan(0, _messageLength));

    [Benchmark(Description = "BMC seals a Get Device ID answer, client opens + decodes it (suite 3)")]
    public int SealOpenDecodeResponse()
    {
        // Each answer needs a fresh sequence number or the replay window drops it, so the seal is part of the cost.
        var length = _bmc.Seal(_datagram, PayloadType.Ipmi, ++_sequence, _response);
        var result = _client.Open(_datagram.AsSpan(0, length), _opened, out _, out var payloadLength);
        var decoded = IpmiLanMessage.DecodeResponse(_opened.AsSpan(0, payloadLength));
        return result == OpenResult.Ok ? decoded.DataLength : -1;
    }

    [Benchmark(Description = "GetDeviceId.Decode")]
    public GetDeviceIdResponse DecodeDeviceId() => new GetDeviceId().Decode(DeviceIdData);
}
