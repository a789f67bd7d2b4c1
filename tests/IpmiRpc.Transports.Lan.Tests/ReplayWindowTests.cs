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

    [Fact]
    public void A_wide_window_tracks_every_number_within_it_as_the_newest_moves_through_many_words()
    {
        // The ring of words is reused as the newest number moves on: a word entered again must hold nothing from its
        // last turn, and every number within the window must keep its own bit.
        var window = new ReplayWindow(ReplayWindow.MaxSize);
        var random = new Random(15);
        var accepted = new HashSet<uint>();
        uint highest = 0;
        for (var i = 0; i < 20_000; i++)
        {
            // Mostly forward by 1–3, sometimes a late one from up to 1,100 behind (some beyond the window).
            var sequence = random.Next(8) == 0 && highest > 1 ? highest - (uint)random.Next(1, (int)Math.Min(highest, 1100)) : highest + (uint)random.Next(1, 4);
            var fresh = sequence > highest || (highest - sequence < ReplayWindow.MaxSize && !accepted.Contains(sequence));
            Assert.Equal(fresh, window.TryAccept(sequence));
            if (fresh)
            {
                accepted.Add(sequence);
                highest = Math.Max(highest, sequence);
            }
        }

        Assert.False(window.TryAccept(highest));
        Assert.False(window.TryAccept(highest - ReplayWindow.MaxSize));
    }
}
