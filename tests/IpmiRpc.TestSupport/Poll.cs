using System.Diagnostics;
using Xunit.Sdk;

namespace IpmiRpc.TestSupport;

/// <summary>
/// Waits for an event by checking a condition every few milliseconds. The limit is only how long a broken build
/// may hang a test: reaching it fails the test, and no assertion ever depends on how long the wait took.
/// </summary>
public static class Poll
{
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    /// <summary>Returns once <paramref name="condition"/> holds; fails the test (naming <paramref name="what"/>) if it never does.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? limit = null, TimeSpan? interval = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, limit, interval);

    /// <summary>
    /// As <see cref="UntilAsync(Func{bool}, string, TimeSpan?, TimeSpan?)"/> for a condition that must ask another process
    /// (a request, a connect): each check runs to its end before the next, <paramref name="interval"/> apart.
    /// </summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? limit = null, TimeSpan? interval = null)
    {
        var watch = Stopwatch.StartNew();
        var max = limit ?? DefaultLimit;
        while (!await condition().ConfigureAwait(false))
        {
            if (watch.Elapsed > max)
            {
                throw new XunitException($"still waiting for {what} after {max.TotalSeconds:0} s");
            }

            await Task.Delay(interval ?? Interval).ConfigureAwait(false);
        }
    }
}
