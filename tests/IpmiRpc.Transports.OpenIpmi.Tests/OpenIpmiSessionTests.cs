using IpmiRpc.Core;
using IpmiRpc.Core.Targets;
using Microsoft.Extensions.Time.Testing;

namespace IpmiRpc.Transports.OpenIpmi.Tests;

public class OpenIpmiSessionTests
{
    private static readonly IpmiRequest GetDeviceId = new(0x06, 0x01, Array.Empty<byte>());
    private static readonly IpmiRequest ChassisStatus = new(0x00, 0x01, Array.Empty<byte>());

    private static IpmiTarget Target(int timeoutMs = 1000, int retries = 4) =>
        new() { Transport = IpmiTarget.OpenIpmi, TimeoutMs = timeoutMs, Retries = retries };

    [Fact]
    public async Task Requests_in_flight_get_their_own_replies_when_answered_out_of_order()
    {
        var device = new FakeIpmiDevice();
        await using var session = new OpenIpmiSession(device, Target());
        var first = session.SendAsync(GetDeviceId, default);
        var second = session.SendAsync(ChassisStatus, default);
        var sent = new[] { await device.NextSentAsync(), await device.NextSentAsync() };
        Assert.NotEqual(sent[0].MsgId, sent[1].MsgId);
        Assert.Equal(2, session.InFlight);

        // Answer the later one first, plus an event and a stray msgid the session must ignore.
        device.Reply(new DeviceReply(2, 0, 0x05, 0x02, [0x00]));
        device.Reply(new DeviceReply(1, 999_999, 0x07, 0x01, [0x00, 0xEE]));
        foreach (var (id, request) in sent.Reverse())
        {
            device.Answer(id, request, 0x00, request.NetFn == 0x06 ? (byte)0x20 : (byte)0x61);
        }

        var r1 = await first.WaitAsync(TimeSpan.FromSeconds(5));
        var r2 = await second.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal([0x20], r1.Data.ToArray());
        Assert.Equal([0x61], r2.Data.ToArray());
        Assert.Equal(0, session.InFlight);
    }

    [Fact]
    public async Task The_first_byte_is_the_completion_code()
    {
        var device = new FakeIpmiDevice();
        await using var session = new OpenIpmiSession(device, Target());
        var pending = session.SendAsync(new IpmiRequest(0x2E, 0x99, Array.Empty<byte>()), default);
        var (id, request) = await device.NextSentAsync();
        device.Answer(id, request, 0xC1);
        var response = await pending.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0xC1, response.CompletionCode);
        Assert.True(response.Data.IsEmpty);
    }

    [Fact]
    public async Task No_reply_times_out_after_timeout_times_attempts()
    {
        var device = new FakeIpmiDevice();
        var time = new FakeTimeProvider();
        await using var session = new OpenIpmiSession(device, Target(timeoutMs: 60, retries: 2), time);
        var pending = session.SendAsync(GetDeviceId, default);
        var (lateId, lateRequest) = await device.NextSentAsync();

        // The kernel retries on the wire; the session only bounds the wait: 60 ms × 3 attempts on its clock.
        time.Advance(TimeSpan.FromMilliseconds(179));
        Assert.False(pending.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var ex = await Assert.ThrowsAsync<IpmiTimeoutException>(() => pending.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(IpmiErrorKind.Timeout, ex.Kind);
        Assert.Equal(60, ex.TimeoutMs);
        Assert.Equal(2, ex.Retries);
        Assert.Equal(0, session.InFlight);
        Assert.True(session.IsUsable);

        // The late reply for the abandoned msgid must not leak into the next request.
        var next = session.SendAsync(GetDeviceId, default);
        var (id, request) = await device.NextSentAsync();
        device.Answer(lateId, lateRequest, 0x00, 0xAA);
        device.Answer(id, request, 0x00, 0xBB);
        Assert.Equal([0xBB], (await next.WaitAsync(TimeSpan.FromSeconds(5))).Data.ToArray());
    }

    [Fact]
    public async Task Cancellation_abandons_the_request()
    {
        var device = new FakeIpmiDevice();
        await using var session = new OpenIpmiSession(device, Target());
        using var cts = new CancellationTokenSource();
        var pending = session.SendAsync(GetDeviceId, cts.Token);
        await device.NextSentAsync();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        Assert.Equal(0, session.InFlight);
    }

    [Fact]
    public async Task A_full_kernel_queue_is_retried_until_it_takes_the_request()
    {
        var device = new FakeIpmiDevice { BusyCount = 3 };
        await using var session = new OpenIpmiSession(device, Target());
        var pending = session.SendAsync(GetDeviceId, default);
        var (id, request) = await device.NextSentAsync();
        device.Answer(id, request, 0x00, 0x20);
        Assert.Equal(0, (await pending.WaitAsync(TimeSpan.FromSeconds(5))).CompletionCode);
    }

    [Fact]
    public async Task Dispose_fails_pending_requests_and_closes_the_device()
    {
        var device = new FakeIpmiDevice();
        var session = new OpenIpmiSession(device, Target());
        var pending = session.SendAsync(GetDeviceId, default);
        await device.NextSentAsync();
        await session.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        var ex = await Assert.ThrowsAsync<TransportUnavailableException>(() => pending);
        Assert.Equal("openipmi", ex.Transport);
        Assert.True(device.Disposed);
        Assert.False(session.IsUsable);
        await Assert.ThrowsAsync<TransportUnavailableException>(() => session.SendAsync(GetDeviceId, default));
        await session.DisposeAsync();  // twice is fine
    }

    [Fact]
    public async Task A_device_error_makes_the_session_unusable_and_fails_waiters_with_it()
    {
        var device = new FakeIpmiDevice();
        await using var session = new OpenIpmiSession(device, Target());
        var pending = session.SendAsync(GetDeviceId, default);
        await device.NextSentAsync();
        device.FailWait(new TransportUnavailableException("openipmi", "device went away", "hint"));

        var ex = await Assert.ThrowsAsync<TransportUnavailableException>(() => pending.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Contains("device went away", ex.Message, StringComparison.Ordinal);
        Assert.False(session.IsUsable);
        Assert.True(device.Disposed);
    }

    [Fact]
    public async Task Describe_names_the_device()
    {
        var device = new FakeIpmiDevice();
        await using var session = new OpenIpmiSession(device, Target());
        Assert.Equal("/dev/fake-ipmi", session.Describe()["device"]);
        Assert.Equal(0, session.Describe()["inFlight"]);
    }

    [Fact]
    public void An_empty_reply_is_malformed()
    {
        var ex = Assert.Throws<IpmiDecodeException>(() => OpenIpmiSession.ToResponse(GetDeviceId, new DeviceReply(1, 1, 0x07, 0x01, [])));
        Assert.Equal(IpmiErrorKind.MalformedResponse, ex.Kind);
    }

    [Fact]
    public void A_reply_for_another_command_is_malformed()
    {
        Assert.Throws<IpmiDecodeException>(() => OpenIpmiSession.ToResponse(GetDeviceId, new DeviceReply(1, 1, 0x07, 0x02, [0x00])));
        Assert.Throws<IpmiDecodeException>(() => OpenIpmiSession.ToResponse(GetDeviceId, new DeviceReply(1, 1, 0x01, 0x01, [0x00])));
        var ok = OpenIpmiSession.ToResponse(GetDeviceId, new DeviceReply(1, 1, 0x07, 0x01, [0x00, 0x20, 0x81]));
        Assert.Equal([0x20, 0x81], ok.Data.ToArray());
    }

    [Fact]
    public async Task Oversize_data_is_refused_as_an_invalid_argument_before_the_device_sees_it()
    {
        var device = new FakeIpmiDevice();
        await using var session = new OpenIpmiSession(device, Target());
        var oversize = new IpmiRequest(0x06, 0x52, new byte[IpmiRequest.MaxDataLength + 1]);

        // An invalid argument is -32602 in the host; before, an ArgumentOutOfRangeException came out as -32603.
        var ex = await Assert.ThrowsAsync<IpmiInvalidArgumentException>(() => session.SendAsync(oversize, default));
        Assert.Equal(nameof(IpmiRequest.Data), ex.Field);
        Assert.False(device.Sent.Reader.TryRead(out _));
        Assert.Throws<IpmiInvalidArgumentException>(() => OpenIpmiSession.CheckDataLength(oversize));
    }
}
