namespace IpmiRpc.Transports.Lan.Tests;

public sealed class ReplayWindowTests
{
    [Fact]
    public void Accepts_increasing_and_out_of_order_within_window_rejects_duplicates_and_old()
    {
        var window = new ReplayWindow(32);
        Assert.False(window.TryAccept(0)); // never valid in a session
        Assert.True(window.TryAccept(1));
        Assert.False(window.TryAccept(1));
        Assert.True(window.TryAccept(5));
        Assert.True(window.TryAccept(3)); // late but within the window
        Assert.False(window.TryAccept(3));
        Assert.True(window.TryAccept(100));
        Assert.True(window.TryAccept(69)); // 31 behind
        Assert.False(window.TryAccept(68)); // 32 behind: too old
        Assert.False(window.TryAccept(5));
    }

    [Fact]
    public void Large_jumps_clear_the_history()
    {
        var window = new ReplayWindow(8);
        Assert.True(window.TryAccept(10));
        Assert.True(window.TryAccept(1000));
        Assert.True(window.TryAccept(995));
        Assert.False(window.TryAccept(10));
        Assert.True(window.TryAccept(uint.MaxValue));
        Assert.False(window.TryAccept(uint.MaxValue));
    }
}
