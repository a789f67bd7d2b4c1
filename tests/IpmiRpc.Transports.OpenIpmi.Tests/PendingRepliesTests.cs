namespace IpmiRpc.Transports.OpenIpmi.Tests;

public class PendingRepliesTests
{
    private static DeviceReply Reply(long id, byte marker) => new(1, id, 0x07, 0x01, [0x00, marker]);

    [Fact]
    public async Task Replies_complete_the_waiter_with_the_same_msgid_whatever_the_order()
    {
        var pending = new PendingReplies();
        var a = pending.Register();
        var b = pending.Register();
        var c = pending.Register();
        Assert.Equal(3, new[] { a.MsgId, b.MsgId, c.MsgId }.Distinct().Count());

        Assert.True(pending.TryComplete(Reply(c.MsgId, 3)));
        Assert.True(pending.TryComplete(Reply(a.MsgId, 1)));
        Assert.True(pending.TryComplete(Reply(b.MsgId, 2)));

        Assert.Equal(1, (await a.Reply).Data[1]);
        Assert.Equal(2, (await b.Reply).Data[1]);
        Assert.Equal(3, (await c.Reply).Data[1]);
        Assert.Equal(0, pending.Count);
    }

    [Fact]
    public void A_reply_nobody_waits_for_is_dropped()
    {
        var pending = new PendingReplies();
        var a = pending.Register();
        pending.Forget(a.MsgId);
        Assert.False(pending.TryComplete(Reply(a.MsgId, 1)));
        Assert.False(pending.TryComplete(Reply(12345, 1)));
        Assert.False(a.Reply.IsCompleted);
    }

    [Fact]
    public async Task FailAll_fails_every_waiter()
    {
        var pending = new PendingReplies();
        var a = pending.Register();
        var b = pending.Register();
        pending.FailAll(new InvalidOperationException("closed"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => a.Reply);
        await Assert.ThrowsAsync<InvalidOperationException>(() => b.Reply);
        Assert.Equal(0, pending.Count);
    }
}
