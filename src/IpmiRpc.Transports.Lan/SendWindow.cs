namespace IpmiRpc.Transports.Lan;

/// <summary>
/// How many requests one session keeps in flight, adapted as TCP does (AIMD): the window starts small, grows by one
/// each time a window's worth of requests was answered without a retransmit, and halves when a request has to be
/// retransmitted. Real BMCs hold one to four outstanding requests and drop the rest silently, so the ceiling defaults
/// low and a BMC that dropped at some size is probed above it ever more rarely: each loss doubles the number of clean
/// answers the next growth needs (up to <see cref="MaxProbeBackoff"/>), or a BMC that takes one request at a time would
/// pay a retransmit every few requests. A full round of clean answers at the size that lost ends the back-off: the loss
/// was passing, and a strong BMC should not stay at a small window for the rest of the session. A halving shown to be
/// spurious (the request it blamed was answered twice: its first copy arrived after all) is undone, as TCP's Eifel
/// response does (RFC 4015): a reply delayed while ipmirpc or the BMC waited for a core is not a BMC that drops.
/// </summary>
internal sealed class SendWindow
{
    /// <summary>Most a loss can stretch the answers needed per growth step: one probe per 256 window's worth.</summary>
    internal const int MaxProbeBackoff = 256;

    // Set while this thread resumes admitted waiters: a waiter resumed inline that leaves the window at once (its
    // session died while it waited) must not resume the next one inline too, or 1,000 waiters would nest 1,000 deep.
    [ThreadStatic]
    private static bool t_resuming;

    private readonly Lock _lock = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private readonly int _ceiling;
    private int _size;
    private int _inFlight;
    private int _probeBackoff = 1;
    private int _lossSize;
    private int _cleanAnswers;
    private long _admitted;
    private long _recoveryPoint;
    private long _reductions;
    private long _undone;

    // The last halving, kept until proof that it was spurious undoes it or a newer one replaces it. 0: none.
    private long _undoAdmission;
    private int _undoSize;
    private int _undoLossSize;
    private int _undoProbeBackoff;

    public SendWindow(int initial, int ceiling)
    {
        _ceiling = Math.Max(1, ceiling);
        _size = Math.Clamp(initial, 1, _ceiling);
    }

    /// <summary>Requests allowed in flight now.</summary>
    public int Size
    {
        get { lock (_lock) { return _size; } }
    }

    public int InFlight
    {
        get { lock (_lock) { return _inFlight; } }
    }

    public int Ceiling => _ceiling;

    /// <summary>Times the window was halved (one per loss event, however many requests it cost).</summary>
    public long Reductions => Interlocked.Read(ref _reductions);

    /// <summary>Halvings undone because the loss that caused them turned out not to be one.</summary>
    public long Undone => Interlocked.Read(ref _undone);

    /// <summary>
    /// Waits for room in the window. Returns the request's admission number, which tells a loss of a request sent
    /// before the last halving (the same loss event) from a new one.
    /// </summary>
    public Task<long> EnterAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Waiter waiter;
        lock (_lock)
        {
            if (_inFlight < _size && _waiters.Count == 0)
            {
                _inFlight++;
                return Task.FromResult(++_admitted);
            }

            // Resumed synchronously, by whoever makes room, once it has released the lock (see Admitted): the rest of
            // the request up to its wait for the answer (seal and send) is short, and a hop to the thread pool per
            // admitted request cost a queued work item and often a worker's wake-up for every request of a burst.
            waiter = new Waiter(this);
            waiter.Node = _waiters.AddLast(waiter);
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.Register(cancellationToken);
        }

        return waiter.Task;
    }

    /// <summary>The request left the window (answered, failed or cancelled).</summary>
    public void Exit()
    {
        Admitted admitted;
        lock (_lock)
        {
            _inFlight--;
            admitted = AdmitLocked();
        }

        admitted.Resume();
    }

    /// <summary>
    /// An answer to a request sent once, called while that request still counts in flight: the BMC kept up with the
    /// window. It counts toward growth only while the window is in use (full, or requests waiting for room), as TCP
    /// validates its window (RFC 7661): answers to a session used one request at a time prove nothing about two at
    /// once, and growing on them would bring the window back to its ceiling between bursts, so that every burst met a
    /// one-request BMC at full window and paid a retransmit per request it dropped.
    /// </summary>
    public void OnCleanAnswer()
    {
        var admitted = default(Admitted);
        lock (_lock)
        {
            if (_inFlight < _size && _waiters.Count == 0)
            {
                return;
            }

            if (++_cleanAnswers < _size * _probeBackoff)
            {
                return;
            }

            _cleanAnswers = 0;
            if (_size >= _lossSize)
            {
                // A full round of clean answers at the size the BMC last dropped at: that loss was passing (a burst,
                // a busy moment), not the BMC's limit, so growth is no longer held back by it.
                _probeBackoff = 1;
            }

            if (_size < _ceiling)
            {
                _size++;
                admitted = AdmitLocked();
            }
        }

        admitted.Resume();
    }

    /// <summary>Request <paramref name="admission"/> went unanswered for its timeout and is about to be retransmitted.</summary>
    public void OnLoss(long admission)
    {
        lock (_lock)
        {
            if (admission <= _recoveryPoint)
            {
                // Sent before the last halving: part of the loss that already halved the window.
                return;
            }

            _undoAdmission = admission;
            _undoSize = _size;
            _undoLossSize = _lossSize;
            _undoProbeBackoff = _probeBackoff;
            _lossSize = _size;
            _size = Math.Max(1, _size / 2);
            _probeBackoff = Math.Min(MaxProbeBackoff, _probeBackoff * 2);
            _cleanAnswers = 0;
            _recoveryPoint = _admitted;
            _reductions++;
        }
    }

    /// <summary>
    /// Request <paramref name="admission"/>, sent twice, was answered twice: its first copy was not lost. If its loss
    /// made the last halving, that halving is undone (size, back-off and the size that lost, as before it); a newer
    /// halving stays, since a later request's loss is not disproved by this one's answers.
    /// </summary>
    public void OnSpuriousLoss(long admission)
    {
        Admitted admitted;
        lock (_lock)
        {
            if (admission == 0 || admission != _undoAdmission)
            {
                return;
            }

            _undoAdmission = 0;
            _size = Math.Min(_ceiling, Math.Max(_size, _undoSize));
            _lossSize = _undoLossSize;
            _probeBackoff = _undoProbeBackoff;
            _undone++;
            admitted = AdmitLocked();
        }

        admitted.Resume();
    }

    /// <summary>
    /// Takes waiters into the room there is, in arrival order. A waiter out of the list is admitted for good: its
    /// cancellation, which looks for it in the list under this lock, no longer touches it. Resumed by the caller after
    /// the lock is released.
    /// </summary>
    private Admitted AdmitLocked()
    {
        var admitted = default(Admitted);
        while (_inFlight < _size && _waiters.First is { } first)
        {
            _waiters.RemoveFirst();
            _admitted++;
            _inFlight++;
            admitted.Add(first.Value, _admitted);
        }

        return admitted;
    }

    /// <summary>Waiters admitted under the lock, resumed after it (usually one: a request left, the next goes in).</summary>
    private struct Admitted
    {
        private Waiter? _first;
        private long _firstAdmission;
        private List<(Waiter Waiter, long Admission)>? _more;

        public void Add(Waiter waiter, long admission)
        {
            if (_first is null)
            {
                _first = waiter;
                _firstAdmission = admission;
            }
            else
            {
                (_more ??= []).Add((waiter, admission));
            }
        }

        /// <summary>
        /// Resumes each waiter on this thread, or through the thread pool when this thread is already resuming one
        /// (a waiter that leaves the window straight away, admitting the next, must not nest).
        /// </summary>
        public readonly void Resume()
        {
            if (_first is null)
            {
                return;
            }

            if (t_resuming)
            {
                Queue(_first, _firstAdmission);
                foreach (var (waiter, admission) in _more ?? [])
                {
                    Queue(waiter, admission);
                }

                return;
            }

            t_resuming = true;
            try
            {
                _first.Admit(_firstAdmission);
                foreach (var (waiter, admission) in _more ?? [])
                {
                    waiter.Admit(admission);
                }
            }
            finally
            {
                t_resuming = false;
            }
        }

        private static void Queue(Waiter waiter, long admission) =>
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Waiter.Admit(state.Admission), (Waiter: waiter, Admission: admission), preferLocal: false);
    }

    /// <summary>
    /// A request waiting for room, with its cancellation. The registration needs no closure (the waiter is its state)
    /// and is undone by whoever finishes second, the admitter or the thread still registering: a continuation that
    /// disposed it cost a closure, a delegate and a continuation task per waiting request, which in a burst is nearly
    /// every request (tests/bench README, "Seventh pass: burst evenness").
    /// </summary>
    private sealed class Waiter(SendWindow window) : TaskCompletionSource<long>
    {
        private const int Registered = 1;
        private const int Finished = 2;

        // 0, then Registered or Finished, whichever came first; the second to come undoes the registration.
        private int _state;
        private CancellationTokenRegistration _registration;

        /// <summary>Its place among the waiters (set under the window's lock; no list once admitted or cancelled).</summary>
        public LinkedListNode<Waiter>? Node;

        public void Register(CancellationToken cancellationToken)
        {
            _registration = cancellationToken.UnsafeRegister(static (state, token) => ((Waiter)state!).Cancel(token), this);
            if (Interlocked.Exchange(ref _state, Registered) == Finished)
            {
                _registration.Unregister();
            }
        }

        public void Admit(long admission)
        {
            TrySetResult(admission);
            if (Interlocked.Exchange(ref _state, Finished) == Registered)
            {
                _registration.Unregister();
            }
        }

        private void Cancel(CancellationToken token)
        {
            lock (window._lock)
            {
                if (Node?.List is null)
                {
                    return; // admitted already
                }

                window._waiters.Remove(Node);
            }

            TrySetCanceled(token);
        }
    }
}
