using System.Net;

namespace IpmiRpc.Transports.Lan;

/// <summary>Transport-wide knobs. Per-target timing (timeout, retries, cipher suite) lives on the target.</summary>
public sealed record LanPlusOptions
{
    /// <summary>
    /// Send a harmless in-session request when a session has been idle this long; BMCs drop idle sessions
    /// (ipmi_sim after 30 s, the spec suggests 60 s). <see cref="TimeSpan.Zero"/> disables keepalive.
    /// </summary>
    public TimeSpan KeepaliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long Close Session waits for its one attempt when a session is disposed.</summary>
    public TimeSpan CloseSessionTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The most requests in flight on one session (the 6-bit rqSeq allows 63). The window adapts below it (see
    /// SendWindow); the default is what real BMCs hold: many take one to four outstanding requests and drop the rest.
    /// </summary>
    public int MaxInFlightPerSession { get; init; } = 4;

    /// <summary>Requests in flight on a new session, before the BMC has shown it keeps up.</summary>
    public int InitialInFlightPerSession { get; init; } = 1;

    /// <summary>
    /// The shortest retransmit timeout, however short the measured round trip: a BMC's answer time varies with the
    /// command (a FRU or SDR read takes far longer than Get Device ID), and a copy sent too soon is work the BMC may
    /// execute twice. The target's timeoutMs is the ceiling.
    /// </summary>
    public TimeSpan MinRetransmitTimeout { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Most datagrams per second the transport sends, all BMCs together (every attempt counts); 0 = no cap. Off by
    /// default: each BMC is already protected by its own session window, and a cap slows every sweep alike. Set it
    /// when a management network, a switch's control plane or a firewall limits the rate.
    /// </summary>
    public double MaxPacketsPerSecond { get; init; }

    /// <summary>
    /// Inbound sequence numbers accepted below the newest one seen (1–1024). Several receive threads open one session's
    /// answers at once: a thread preempted between taking an answer off the socket and checking it (or waiting for the
    /// integrity lock) can find many later answers accepted meanwhile on a busy 2-core machine, and the genuine answer
    /// was then rejected as stale, its request retransmitted and the window halved with nothing to undo it (tests/bench
    /// README, "Fourth pass" and "Seventh pass: burst evenness": 32 and then 64 were not enough). Each sequence number
    /// is still accepted once.
    /// </summary>
    public int ReplayWindow { get; init; } = Lan.ReplayWindow.MaxSize;

    /// <summary>
    /// Threads blocked in receive on the one UDP socket; each verifies and decrypts an answer and completes its waiter
    /// (the caller's continuation then runs on the thread pool). They share the kernel's queue, so one can take the next
    /// answer while another is decrypting or was preempted by a woken BMC simulator; why at least 4 is in
    /// tests/bench/README.md ("Why the build settings are what they are").
    /// </summary>
    public int ReceiveThreads { get; init; } = Math.Clamp(2 * Environment.ProcessorCount, 4, 16);

    /// <summary>
    /// The clock of every retransmit timeout, keepalive tick and idle measurement (tests drive it with a fake clock).
    /// </summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Local address to bind the one UDP socket to; null binds any address, an ephemeral port.</summary>
    public IPEndPoint? LocalEndPoint { get; init; }
}
