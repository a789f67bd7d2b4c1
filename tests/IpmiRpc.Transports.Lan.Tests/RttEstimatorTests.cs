namespace IpmiRpc.Transports.Lan.Tests;

/// <summary>The retransmit timer from measured round trips: RFC 6298's arithmetic, the floor and the target's ceiling.</summary>
public sealed class RttEstimatorTests
{
    private static readonly TimeSpan Floor = TimeSpan.FromMilliseconds(200);

    [Fact]
    public void Before_any_sample_every_attempt_waits_the_targets_timeout()
    {
        var rtt = new RttEstimator(Floor);
        Assert.Null(rtt.SmoothedRtt);
        Assert.Equal(TimeSpan.FromMilliseconds(1000), rtt.AttemptTimeout(0, 1000, last: false));
        Assert.Equal(TimeSpan.FromMilliseconds(1000), rtt.AttemptTimeout(3, 1000, last: false));
    }

    [Fact]
    public void First_sample_sets_srtt_to_it_and_rttvar_to_half_of_it()
    {
        var rtt = new RttEstimator(TimeSpan.FromMilliseconds(1));
        rtt.AddSample(TimeSpan.FromMilliseconds(100));

        // RTO = SRTT + 4·RTTVAR = 100 + 4·50.
        Assert.Equal(TimeSpan.FromMilliseconds(100), rtt.SmoothedRtt);
        Assert.Equal(TimeSpan.FromMilliseconds(300), rtt.AttemptTimeout(0, 5000, last: false));
    }

    [Fact]
    public void Later_samples_follow_rfc_6298_alpha_and_beta()
    {
        var rtt = new RttEstimator(TimeSpan.FromMilliseconds(1));
        rtt.AddSample(TimeSpan.FromMilliseconds(100));
        rtt.AddSample(TimeSpan.FromMilliseconds(20));

        // RTTVAR = 3/4·50 + 1/4·|100 − 20| = 57.5; SRTT = 7/8·100 + 1/8·20 = 90; RTO = 90 + 230.
        Assert.Equal(90, rtt.SmoothedRtt!.Value.TotalMilliseconds, 6);
        Assert.Equal(320, rtt.AttemptTimeout(0, 5000, last: false).TotalMilliseconds, 6);
        Assert.Equal(2, rtt.Samples);
    }

    [Fact]
    public void A_fast_steady_bmc_gets_the_floor_and_each_retransmit_doubles_it_up_to_the_ceiling()
    {
        var rtt = new RttEstimator(Floor);
        for (var i = 0; i < 50; i++)
        {
            rtt.AddSample(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(Floor, rtt.AttemptTimeout(0, 1000, last: false));
        Assert.Equal(TimeSpan.FromMilliseconds(400), rtt.AttemptTimeout(1, 1000, last: false));
        Assert.Equal(TimeSpan.FromMilliseconds(800), rtt.AttemptTimeout(2, 1000, last: false));
        Assert.Equal(TimeSpan.FromMilliseconds(1000), rtt.AttemptTimeout(3, 1000, last: false));
    }

    [Fact]
    public void The_last_attempt_waits_the_whole_target_timeout()
    {
        var rtt = new RttEstimator(Floor);
        rtt.AddSample(TimeSpan.FromMilliseconds(1));
        Assert.Equal(TimeSpan.FromMilliseconds(1000), rtt.AttemptTimeout(0, 1000, last: true));
    }

    [Fact]
    public void A_slow_bmc_is_never_given_more_than_the_targets_timeout()
    {
        var rtt = new RttEstimator(Floor);
        rtt.AddSample(TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.FromMilliseconds(1000), rtt.AttemptTimeout(0, 1000, last: false));
    }
}
