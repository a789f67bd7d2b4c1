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

            var running = queue.Items.Count(t => t.IsReady);
            return (running, queue.Items.Count - running);
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
                queue = new Queue();
                _queues[bmc] = queue;
            }

            // Everything queued is earlier: a write runs alone at the head, a read when no write is queued.
            runnable = isWrite ? queue.Items.Count == 0 : queue.Writes == 0;
            ticket.Node = queue.Items.AddLast(ticket);
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
            if (ticket.Node is not { } node || !_queues.TryGetValue(ticket.Bmc, out var queue))
            {
                return;
            }

            queue.Items.Remove(node);
            queue.Writes -= ticket.IsWrite ? 1 : 0;
            ticket.Node = null;
            if (queue.Items.Count == 0)
            {
                _queues.Remove(ticket.Bmc);
                return;
            }

            // Grant from the head: a leading write alone, or the reads up to the first write.
            for (var next = queue.Items.First; next is not null; next = next.Next)
            {
                if (next.Value.IsWrite)
                {
                    if (next.Previous is null && !next.Value.IsReady)
                    {
                        (granted ??= []).Add(next.Value);
                    }

                    break;
                }

                if (!next.Value.IsReady)
                {
                    (granted ??= []).Add(next.Value);
                }
            }
        }

        // Completed after the lock is let go (see Enter). Granting one already granted, or one released meanwhile,
        // is harmless: TrySetResult on a finished turn does nothing, and a released ticket is never waited on again.
        foreach (var next in granted ?? [])
        {
            next.Grant();
        }
    }

    private sealed class Queue
    {
        public LinkedList<Ticket> Items { get; } = new();

        public int Writes { get; set; }
    }

    /// <summary>One request's place in its BMC's order.</summary>
    public sealed class Ticket : IDisposable
    {
        private readonly BmcOrdering _owner;

        // Granted outside the owner's lock; continuations run asynchronously too, so a waiter never runs on the releaser's thread.
        private readonly TaskCompletionSource _turn = new(TaskCreationOptions.RunContinuationsAsynchronously);

        internal Ticket(BmcOrdering owner, BmcKey bmc, bool isWrite)
        {
            _owner = owner;
            Bmc = bmc;
            IsWrite = isWrite;
        }

        public BmcKey Bmc { get; }

        public bool IsWrite { get; }

        /// <summary>True once it is this request's turn.</summary>
        public bool IsReady => _turn.Task.IsCompleted;

        // Under the owner's lock.
        internal LinkedListNode<Ticket>? Node { get; set; }

        internal void Grant() => _turn.TrySetResult();

        /// <summary>Completes when the request may run; throws <see cref="OperationCanceledException"/> when cancelled first.</summary>
        public Task WaitAsync(CancellationToken cancellationToken) => _turn.Task.WaitAsync(cancellationToken);

        /// <summary>Ends the request's turn, or gives up its place if it never got one. Idempotent.</summary>
        public void Dispose() => _owner.Release(this);
    }
}
