using IpmiRpc.Host.Hosting;
using IpmiRpc.Host.Protocol;
using IpmiRpc.Host.Targets;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Methods.FanOut;

/// <summary>
/// Runs one method on many targets: a bounded set of workers takes the targets in input order, each call passes the
/// process-wide <see cref="FanOutLimiter"/> (global and per-BMC bounds), and its outcome lands in its input slot —
/// <c>{"target", "result"}</c> or <c>{"target", "error"}</c> with the error mapped as a single call's would be. A failing
/// BMC is an error entry, never a failed call; cancelling the call (<c>$/cancelRequest</c>) stops every worker and
/// cancels the calls in flight, and the call is answered -32800.
/// </summary>
internal sealed class FanOutSweep(HostContext host, ErrorMapper errors, JsonSerializer serializer, string method)
{
    public const string ResultsMember = "results";
    public const string OkMember = "ok";
    public const string FailedMember = "failed";

    /// <summary>
    /// <paramref name="call"/> runs the method for one target (with that target's deadline) and returns its result.
    /// </summary>
    public async Task<JObject> RunAsync(IReadOnlyList<SweepTarget> targets, Func<SweepTarget, CancellationToken, Task<object?>> call,
        IProgressSink? sink, CancellationToken cancellationToken)
    {
        var entries = new JObject[targets.Count];
        var progress = new ProgressReporter(sink, targets.Count, host.Time, host.FanOut.ProgressInterval);
        using var sweep = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var next = -1;

        async Task WorkAsync()
        {
            while (Interlocked.Increment(ref next) is var i && i < targets.Count)
            {
                sweep.Token.ThrowIfCancellationRequested();
                var target = targets[i];
                using (await host.FanOutLimiter.EnterAsync(host.Targets.BmcOf(target.Spec), sweep.Token).ConfigureAwait(false))
                {
                    entries[i] = await RunOneAsync(target, call, sweep.Token).ConfigureAwait(false);
                }

                progress.Finished(sweep.Token);
            }
        }

        var workers = new Task[Math.Min(targets.Count, host.FanOut.MaxConcurrency)];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Run(WorkAsync, CancellationToken.None);
        }

        try
        {
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        catch
        {
            // One worker failing for a reason other than its target (cancellation, a bug) stops the others too.
            await sweep.CancelAsync().ConfigureAwait(false);
            throw;
        }

        await progress.FinishAsync(cancellationToken).ConfigureAwait(false);
        var failed = entries.Count(e => e.ContainsKey("error"));
        return new JObject
        {
            [ResultsMember] = new JArray(entries),
            [OkMember] = entries.Length - failed,
            [FailedMember] = failed,
        };
    }

    private async Task<JObject> RunOneAsync(SweepTarget target, Func<SweepTarget, CancellationToken, Task<object?>> call, CancellationToken sweepToken)
    {
        var entry = new JObject { ["target"] = target.Label.DeepClone() };
        try
        {
            var result = await call(target, sweepToken).ConfigureAwait(false);
            entry["result"] = result is null ? JValue.CreateNull() : JToken.FromObject(result, serializer);
        }
        catch (Exception ex) when (!sweepToken.IsCancellationRequested)
        {
            entry["error"] = errors.Map(ex, method).ToJson();
        }

        return entry;
    }
}
