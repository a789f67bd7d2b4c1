using System.Globalization;

namespace IpmiRpc.Bench;

/// <summary>Order statistics of one set of samples (milliseconds).</summary>
public sealed record Stats(int Count, double Median, double P99, double Mean, double Min, double Max)
{
    public static Stats Of(IReadOnlyCollection<double> samples)
    {
        if (samples.Count == 0)
        {
            return new Stats(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        var sorted = samples.OrderBy(x => x).ToArray();
        return new Stats(sorted.Length, Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted.Average(), sorted[0], sorted[^1]);
    }

    /// <summary>Nearest-rank percentile (with fewer than 100 samples, p99 is the maximum).</summary>
    public static double Percentile(double[] sorted, double p)
    {
        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}

public static class Fmt
{
    public static string Ms(double ms) => double.IsNaN(ms) ? "–"
        : ms >= 100 ? ms.ToString("0", CultureInfo.InvariantCulture) + " ms"
        : ms >= 10 ? ms.ToString("0.0", CultureInfo.InvariantCulture) + " ms"
        : ms >= 1 ? ms.ToString("0.00", CultureInfo.InvariantCulture) + " ms"
        : ms.ToString("0.000", CultureInfo.InvariantCulture) + " ms";

    public static string Ratio(double r) => double.IsNaN(r) || double.IsInfinity(r) ? "–"
        : r >= 100 ? r.ToString("0", CultureInfo.InvariantCulture) + "×"
        : r >= 10 ? r.ToString("0.0", CultureInfo.InvariantCulture) + "×"
        : r.ToString("0.00", CultureInfo.InvariantCulture) + "×";

    public static string Rate(double perSecond) => double.IsNaN(perSecond) ? "–"
        : perSecond.ToString("N0", CultureInfo.InvariantCulture) + "/s";

    public static string Num(double x, string format = "0.##") => x.ToString(format, CultureInfo.InvariantCulture);
}
