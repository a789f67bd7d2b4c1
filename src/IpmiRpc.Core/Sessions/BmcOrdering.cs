namespace IpmiRpc.Core.Sessions;

/// <summary>
/// One BMC, whatever the credentials: two users of one BMC share its configuration, so they share its order.
/// </summary>
/// <param name="Transport">lanplus, openipmi or cim.</param>
/// <param name="Address">Host (lower case), device path or computer name.</param>
/// <param name="Port">UDP port for lanplus, 0 otherwise.</param>
public readonly record struct BmcKey(string Transport, string Address, int Port);

/// <summary>
/// Arrival order for writes to one BMC. Each request takes a <see cref="Ticket"/> when it arrives (before it runs, in
/// the order the host read it) and waits on it before touching the BMC: a write waits for every earlier request to
/// that BMC to finish, and every request after a write waits for that write. Reads with no earlier write pending run
/// together; different BMCs never wait for each other. A ticket that is released while still waiting (cancelled,
/// timed out, never run) gives up its place; a BMC with no tickets left is forgotten.
/// </summary>
public sealed class BmcOrdering
{
    private readonly Lock _lock = new();
    private readonly Dictionary<BmcKey, Queue> _queues = new();
    // One emptied queue kept for the next BMC to become busy: one request at a time to one BMC empties and refills
    // its queue on every request. Under the lock.
    private Queue? _spare;

    /// <summary>BMCs with requests queued or running (for tests: an idle ordering holds nothing).</summary>
    public int ActiveBmcs
    {
        get { lock (_lock) { return _queues.Count; } }
    }

    /// <summary>Requests to <paramref name="bmc"/> whose turn has come, and those still waiting for it.</summary>
    public (int Running, int Waiting) Queued(BmcKey bmc)
    {
        lock (_lock)
        {
            if (!_queues.TryGetValue(bmc, out var queue))
            {
                return (0, 0);
            }

            var running = 0;
            for (var ticket = queue.Head; ticket is not null; ticket = ticket.Next)
            {
                running += ticket.IsReady ? 1 : 0;
            }

            return (running, queue.Count - running);
        }
    }

    /// <summary>Takes the next place in <paramref name="bmc"/>'s order. Release it (Dispose) when the request ends.</summary>
    public Ticket Enter(BmcKey bmc, bool isWrite)
    {
        var ticket = new Ticket(this, bmc, isWrite);
        bool runnable;
        lock (_lock)
        {
            if (!_queues.TryGetValue(bmc, out var queue))
            {
                queue = _spare ?? new Queue();
                _spare = null;
                _queues[bmc] = queue;
            }

            // Everything queued is earlier: a write runs alone at the head, a read when no write is queued.
            runnable = isWrite ? queue.Count == 0 : queue.Writes == 0;
            queue.Append(ticket);
            queue.Writes += isWrite ? 1 : 0;
        }

        // Granted outside the lock, like every completion here: a waiter's code never runs while the lock is held.
        // A ticket granted late is still granted: nothing can take its turn once it is in the queue.
        if (runnable)
        {
            ticket.Grant();
        }

        return ticket;
    }

    private void Release(Ticket ticket)
    {
        List<Ticket>? granted = null;
        lock (_lock)
        {
            if (!ticket.Queued || !_queues.TryGetValue(ticket.Bmc, out var queue))
            {
                return;
            }

            queue.Remove(ticket);
            queue.Writes -= ticket.IsWrite ? 1 : 0;
            if (queue.Count == 0)
            {
                _queues.Remove(ticket.Bmc);
                _spare = queue;
                return;
            }

            if (!ticket.IsWrite)
            {
                // A read leaving frees only a write it leaves at the head: every read with no write ahead of it was
                // granted already. Walking the queue here cost a burst of reads (hundreds queued) a pass per request.
                if (queue.Head is { IsWrite: true, IsReady: false } head)
                {
                    granted = [head];
                }
            }
            else
            {
                // Grant from the head: a leading write alone, or the reads up to the first write.
                for (var next = queue.Head; next is not null; next = next.Next)
                {
                    if (next.IsWrite)
                    {
                        if (next.Previous is null && !next.IsReady)
                        {
                            (granted ??= []).Add(next);
                        }

                        break;
                    }

                    if (!next.IsReady)
                    {
                        (granted ??= []).Add(next);
                    }
                }
            }
        }

        // Completed after the lock is let go (see Enter). Granting one already granted, or one released meanwhile,
        // is harmless: a finished turn stays finished, and a released ticket is never waited on again.
        foreach (var next in granted ?? [])
        {
            next.Grant();
        }
    }

    /// <summary>One BMC's tickets in arrival order, linked through the tickets themselves. Under the owner's lock.</summary>
    private sealed class Queue
    {
        public Ticket? Head { get; private set; }

        private Ticket? _tail;

        public int Count { get; private set; }

        public int Writes { get; set; }

        public void Append(Ticket ticket)
        {
            ticket.Previous = _tail;
            ticket.Next = null;
            if (_tail is null)
            {
                Head = ticket;
            }
            else
            {
                _tail.Next = ticket;
            }

            _tail = ticket;
            ticket.Queued = true;
            Count++;
        }

        public void Remove(Ticket ticket)
        {
            if (ticket.Previous is null)
            {
                Head = ticket.Next;
            }
            else
            {
                ticket.Previous.Next = ticket.Next;
            }

            if (ticket.Next is null)
            {
                _tail = ticket.Previous;
            }
            else
            {
                ticket.Next.Previous = ticket.Previous;
            }

            ticket.Previous = ticket.Next = null;
            ticket.Queued = false;
            Count--;
        }
    }

    /// <summary>One request's place in its BMC's order.</summary>
    public sealed class Ticket : IDisposable
    {
        private readonly BmcOrdering _owner;

        // Made only when someone waits before the turn comes (a ticket granted at once, the usual case, never needs
        // one). Its continuations run asynchronously, so a waiter never runs on the granting thread.
        private TaskCompletionSource? _turn;
        private int _granted;

        internal Ticket(BmcOrdering owner, BmcKey bmc, bool isWrite)
        {
            _owner = owner;
            Bmc = bmc;
            IsWrite = isWrite;
        }

        public BmcKey Bmc { get; }

        public bool IsWrite { get; }

        /// <summary>True once it is this request's turn.</summary>
        public bool IsReady => Volatile.Read(ref _granted) == 1;

        // Under the owner's lock: the neighbours in its BMC's queue, and whether it is in it.
        internal Ticket? Previous { get; set; }

        internal Ticket? Next { get; set; }

        internal bool Queued { get; set; }

        internal void Grant()
        {
            // The exchange is a full fence: either WaitAsync published its source before this (and it is completed
            // here), or it reads the grant after publishing (and completes it itself).
            Interlocked.Exchange(ref _granted, 1);
            Volatile.Read(ref _turn)?.TrySetResult();
        }

        /// <summary>Completes when the request may run; throws <see cref="OperationCanceledException"/> when cancelled first.</summary>
        public Task WaitAsync(CancellationToken cancellationToken)
        {
            if (IsReady)
            {
                return Task.CompletedTask;
            }

            var turn = Volatile.Read(ref _turn);
            if (turn is null)
            {
                var made = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                turn = Interlocked.CompareExchange(ref _turn, made, null) ?? made;
            }

            if (IsReady)
            {
                turn.TrySetResult();
            }

            return turn.Task.WaitAsync(cancellationToken);
        }

        /// <summary>Ends the request's turn, or gives up its place if it never got one. Idempotent.</summary>
        public void Dispose() => _owner.Release(this);
    }
}
