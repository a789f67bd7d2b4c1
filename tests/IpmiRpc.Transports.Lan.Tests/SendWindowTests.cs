namespace IpmiRpc.Transports.Lan.Tests;

/// <summary>The per-session in-flight window (AIMD): counted by its size after answers and losses, never by time.</summary>
public sealed class SendWindowTests
{
    [ThreadStatic]
    private static int t_waiterDepth;

    [Fact]
    public void Grows_by_one_per_window_of_clean_answers_up_to_the_ceiling()
    {
        var window = new SendWindow(initial: 1, ceiling: 4);
        var sizes = new List<int>();
        for (var i = 0; i < 12; i++)
        {
            BusyAnswer(window);
            sizes.Add(window.Size);
        }

        // 1 answer at size 1, 2 at size 2, 3 at size 3, then the ceiling.
        Assert.Equal([2, 2, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4], sizes);
    }

    [Fact]
    public async Task Answers_while_the_window_has_room_and_nobody_waits_do_not_grow_it()
    {
        // A session used one request at a time: at size 1 that fills the window, so it may grow to 2; at 2 it never
        // has two in flight, so 100 answers leave it at 2 (a burst that follows meets a window its BMC has shown it
        // takes, not the ceiling).
        var window = new SendWindow(initial: 1, ceiling: 4);
        for (var i = 0; i < 100; i++)
        {
            _ = await window.EnterAsync(CancellationToken.None);
            window.OnCleanAnswer();
            window.Exit();
        }

        Assert.Equal(2, window.Size);

        // In use again (a burst keeps it full): it grows.
        AnswerTimes(window, 2);
        Assert.Equal(3, window.Size);
    }

    [Fact]
    public async Task A_loss_halves_the_window_once_for_every_request_sent_before_it()
    {
        var window = GrownTo(8, ceiling: 8);
        var admissions = new List<long>();
        for (var i = 0; i < 8; i++)
        {
            admissions.Add(await window.EnterAsync(CancellationToken.None));
        }

        // A burst loses three of the eight: one loss event, one halving.
        window.OnLoss(admissions[2]);
        window.OnLoss(admissions[5]);
        window.OnLoss(admissions[7]);
        Assert.Equal(4, window.Size);
        Assert.Equal(1, window.Reductions);

        // A request admitted after the halving that is lost again is a new event.
        for (var i = 0; i < 8; i++)
        {
            window.Exit();
        }

        var later = await window.EnterAsync(CancellationToken.None);
        window.OnLoss(later);
        Assert.Equal(2, window.Size);
        Assert.Equal(2, window.Reductions);
    }

    [Fact]
    public void Never_below_one()
    {
        var window = new SendWindow(initial: 1, ceiling: 4);
        window.OnLoss(1);
        Assert.Equal(1, window.Size);
    }

    [Fact]
    public void After_a_loss_growth_needs_twice_the_clean_answers_each_time()
    {
        var window = new SendWindow(initial: 2, ceiling: 4);
        window.OnLoss(1);
        Assert.Equal(1, window.Size);

        // Back-off 2: two clean answers at size 1 before trying 2 again.
        BusyAnswer(window);
        Assert.Equal(1, window.Size);
        BusyAnswer(window);
        Assert.Equal(2, window.Size);

        window.OnLoss(2);
        Assert.Equal(1, window.Size);
        for (var i = 0; i < 3; i++)
        {
            BusyAnswer(window);
        }

        Assert.Equal(1, window.Size);
        BusyAnswer(window);
        Assert.Equal(2, window.Size);
    }

    [Fact]
    public async Task A_round_of_clean_answers_at_the_size_that_lost_ends_the_back_off()
    {
        var window = GrownTo(4, ceiling: 4);
        window.OnLoss(1);
        Assert.Equal(2, window.Size);

        // Back-off 2: 4 answers to reach 3, 6 to reach 4; then 8 at 4, the size that lost, confirm it.
        AnswerTimes(window, 4);
        Assert.Equal(3, window.Size);
        AnswerTimes(window, 6);
        Assert.Equal(4, window.Size);
        AnswerTimes(window, 8);

        // The next loss starts from back-off 1 again (doubled to 2), not from 4: 4 answers grow 2 to 3.
        window.OnLoss(await window.EnterAsync(CancellationToken.None));
        Assert.Equal(2, window.Size);
        AnswerTimes(window, 3);
        Assert.Equal(2, window.Size);
        AnswerTimes(window, 1);
        Assert.Equal(3, window.Size);
    }

    [Fact]
    public async Task A_halving_shown_spurious_is_undone_with_its_back_off()
    {
        var window = GrownTo(4, ceiling: 8);
        var blamed = await window.EnterAsync(CancellationToken.None);
        window.OnLoss(blamed);
        Assert.Equal(2, window.Size);

        // Its first copy was answered after all (two answers to two copies): the window is as before the loss.
        window.OnSpuriousLoss(blamed);
        Assert.Equal(4, window.Size);
        Assert.Equal(1, window.Undone);
        Assert.Equal(1, window.Reductions);

        // Back-off 1 again, not 2: four clean answers at 4 grow it to 5.
        AnswerTimes(window, 3);
        Assert.Equal(4, window.Size);
        AnswerTimes(window, 1);
        Assert.Equal(5, window.Size);

        // Proof arriving twice undoes once.
        window.OnSpuriousLoss(blamed);
        Assert.Equal(5, window.Size);
        Assert.Equal(1, window.Undone);
    }

    [Fact]
    public async Task Proof_about_an_older_loss_leaves_a_newer_halving_alone()
    {
        var window = GrownTo(8, ceiling: 8);
        var older = await window.EnterAsync(CancellationToken.None);
        window.OnLoss(older);
        Assert.Equal(4, window.Size);
        var newer = await window.EnterAsync(CancellationToken.None);
        window.OnLoss(newer);
        Assert.Equal(2, window.Size);

        window.OnSpuriousLoss(older);
        Assert.Equal(2, window.Size);
        Assert.Equal(0, window.Undone);

        // The newer one's own proof restores the size it had before its halving, not the one before both.
        window.OnSpuriousLoss(newer);
        Assert.Equal(4, window.Size);
        Assert.Equal(1, window.Undone);
    }

    [Fact]
    public async Task An_undo_admits_waiters_into_the_room_it_gives_back()
    {
        var window = new SendWindow(initial: 2, ceiling: 4);
        var first = await window.EnterAsync(CancellationToken.None);
        await window.EnterAsync(CancellationToken.None);
        window.OnLoss(first);
        Assert.Equal(1, window.Size);
        var waiting = window.EnterAsync(CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        window.Exit(); // the first is answered: 1 in flight, a window of 1, so the waiter still waits
        Assert.False(waiting.IsCompleted);
        window.OnSpuriousLoss(first);
        Assert.Equal(3, await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(2, window.InFlight);
    }

    [Fact]
    public async Task Admits_only_the_window_and_the_next_waiter_when_one_leaves()
    {
        var window = new SendWindow(initial: 2, ceiling: 4);
        var first = window.EnterAsync(CancellationToken.None);
        var second = window.EnterAsync(CancellationToken.None);
        var third = window.EnterAsync(CancellationToken.None);
        Assert.True(first.IsCompletedSuccessfully);
        Assert.True(second.IsCompletedSuccessfully);
        Assert.False(third.IsCompleted);
        Assert.Equal(2, window.InFlight);

        window.Exit();
        Assert.Equal(3, await third.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(2, window.InFlight);
    }

    [Fact]
    public async Task Growth_admits_a_waiter_at_once()
    {
        var window = new SendWindow(initial: 1, ceiling: 4);
        await window.EnterAsync(CancellationToken.None);
        var waiting = window.EnterAsync(CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        window.OnCleanAnswer();
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, window.InFlight);
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_queue_and_takes_no_room()
    {
        var window = new SendWindow(initial: 1, ceiling: 1);
        await window.EnterAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var cancelled = window.EnterAsync(cancel.Token);
        var next = window.EnterAsync(CancellationToken.None);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        window.Exit();
        await next.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, window.InFlight);
    }

    [Fact]
    public async Task An_admitted_waiter_resumes_on_the_thread_that_made_room_before_it_returns()
    {
        var window = new SendWindow(initial: 1, ceiling: 1);
        Assert.True(window.EnterAsync(CancellationToken.None).IsCompletedSuccessfully);
        var waiting = window.EnterAsync(CancellationToken.None);
        int? resumedOn = null;
        _ = waiting.ContinueWith(_ => resumedOn = Environment.CurrentManagedThreadId, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        window.Exit();

        // No hop to the thread pool per admitted request (a queued work item and a worker's wake-up each, in a burst).
        Assert.Equal(Environment.CurrentManagedThreadId, resumedOn);
        Assert.Equal(2, await waiting);
        Assert.Equal(1, window.InFlight);
    }

    [Fact]
    public async Task Waiters_that_leave_at_once_do_not_resume_each_other_on_one_stack()
    {
        // A session that died while requests waited: each admitted waiter leaves at once, admitting the next.
        const int Waiters = 2000;
        var window = new SendWindow(initial: 1, ceiling: 1);
        Assert.True(window.EnterAsync(CancellationToken.None).IsCompletedSuccessfully);
        // Nesting is counted per thread, not by thread identity: the test's own thread may be a pool thread that
        // later runs queued waiters itself, which is no nesting.
        var deepest = 0;
        var left = 0;
        for (var i = 0; i < Waiters; i++)
        {
            _ = window.EnterAsync(CancellationToken.None).ContinueWith(
                _ =>
                {
                    var depth = ++t_waiterDepth;
                    for (var seen = Volatile.Read(ref deepest); depth > seen; seen = Volatile.Read(ref deepest))
                    {
                        Interlocked.CompareExchange(ref deepest, depth, seen);
                    }

                    try
                    {
                        Interlocked.Increment(ref left);
                        window.Exit();
                    }
                    finally
                    {
                        t_waiterDepth--;
                    }
                },
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        window.Exit();

        for (var poll = 0; poll < 3000 && Volatile.Read(ref left) < Waiters; poll++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(Waiters, Volatile.Read(ref left));
        // A waiter resumed by a thread that is not resuming one may resume the next inline (2 deep); that one hands
        // the next to the pool. Without the rule the chain nests as deep as the stack lets it.
        Assert.InRange(Volatile.Read(ref deepest), 1, 2);
        Assert.Equal(0, window.InFlight);
    }

    [Fact]
    public async Task A_waiter_cancelled_after_its_admission_keeps_its_room()
    {
        var window = new SendWindow(initial: 1, ceiling: 1);
        Assert.True(window.EnterAsync(CancellationToken.None).IsCompletedSuccessfully);
        using var cancel = new CancellationTokenSource();
        var waiting = window.EnterAsync(cancel.Token);
        // Cancelled from the continuation of its own admission: admitted already, so it stays admitted and counted.
        _ = waiting.ContinueWith(_ => cancel.Cancel(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        window.Exit();

        Assert.Equal(2, await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, window.InFlight);
    }

    private static void AnswerTimes(SendWindow window, int answers)
    {
        for (var i = 0; i < answers; i++)
        {
            BusyAnswer(window);
        }
    }

    /// <summary>One clean answer while the window is in use: filled to its size first (as a burst keeps it), then the
    /// answered request leaves.</summary>
    private static void BusyAnswer(SendWindow window)
    {
        while (window.InFlight < window.Size)
        {
            Assert.True(window.EnterAsync(CancellationToken.None).IsCompletedSuccessfully);
        }

        window.OnCleanAnswer();
        window.Exit();
    }

    private static SendWindow GrownTo(int size, int ceiling)
    {
        var window = new SendWindow(initial: 1, ceiling: ceiling);
        while (window.Size < size)
        {
            BusyAnswer(window);
        }

        while (window.InFlight > 0)
        {
            window.Exit();
        }

        return window;
    }
}
