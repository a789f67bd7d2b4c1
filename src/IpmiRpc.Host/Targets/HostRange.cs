using System.Globalization;
using System.Text;

namespace IpmiRpc.Host.Targets;

/// <summary>
/// Host ranges as pdsh and FreeIPMI write them: <c>bmc[001-100]</c>, <c>10.1.[0-3].[1-254]</c>,
/// <c>127.0.0.1:[9001-9020]</c>, <c>node[1,3,5-7]</c>, and several comma-separated at the top level
/// (<c>bmc[1-2],mgmt1</c>). Each bracket holds numbers and <c>lo-hi</c> ranges; a bound written with leading zeros
/// pads every number of that range to its width (pdsh). Several brackets expand as a product, the leftmost slowest.
/// The count is computed before anything is built, so a range past the limit costs nothing.
/// </summary>
public static class HostRange
{
    /// <summary>Default limit of hosts one expression may expand to.</summary>
    public const int DefaultMaxHosts = 100_000;

    /// <summary>Longest number in a bracket: bounds fit a long, and nobody numbers hosts past 10^9.</summary>
    private const int MaxDigits = 9;

    /// <summary>The hosts <paramref name="expression"/> names, in order; <see cref="FormatException"/> with a reason otherwise.</summary>
    public static IReadOnlyList<string> Expand(string expression, int maxHosts = DefaultMaxHosts)
    {
        var patterns = SplitTopLevel(expression).Select(Parse).ToArray();
        long total = 0;
        foreach (var pattern in patterns)
        {
            total += pattern.Count(maxHosts);
            if (total > maxHosts)
            {
                throw new FormatException($"expands to more than {maxHosts.ToString(CultureInfo.InvariantCulture)} hosts");
            }
        }

        var hosts = new List<string>((int)total);
        foreach (var pattern in patterns)
        {
            pattern.AppendTo(hosts);
        }

        return hosts;
    }

    /// <summary>Whether <paramref name="text"/> has range syntax at all (a bracket or a top-level comma).</summary>
    public static bool IsRange(string text) => text.Contains('[', StringComparison.Ordinal) || text.Contains(',', StringComparison.Ordinal);

    private static List<string> SplitTopLevel(string expression)
    {
        if (expression.Length == 0)
        {
            throw new FormatException("is empty");
        }

        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < expression.Length; i++)
        {
            var c = expression[i];
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                throw new FormatException($"has a space or control character at {i.ToString(CultureInfo.InvariantCulture)}");
            }

            switch (c)
            {
                case '[' when depth == 1:
                    throw new FormatException($"nested '[' at {i.ToString(CultureInfo.InvariantCulture)}");
                case '[':
                    depth = 1;
                    break;
                case ']' when depth == 0:
                    throw new FormatException($"']' without '[' at {i.ToString(CultureInfo.InvariantCulture)}");
                case ']':
                    depth = 0;
                    break;
                case ',' when depth == 0:
                    parts.Add(expression[start..i]);
                    start = i + 1;
                    break;
            }
        }

        if (depth != 0)
        {
            throw new FormatException("'[' without ']'");
        }

        parts.Add(expression[start..]);
        if (parts.Any(p => p.Length == 0))
        {
            throw new FormatException("has an empty host between commas");
        }

        return parts;
    }

    /// <summary>One top-level host pattern: literal text and brackets, alternating (literals may be empty).</summary>
    private static Pattern Parse(string text)
    {
        var literals = new List<string>();
        var sets = new List<NumberSet>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] != '[')
            {
                literal.Append(text[i++]);
                continue;
            }

            var close = text.IndexOf(']', i);
            literals.Add(literal.ToString());
            literal.Clear();
            sets.Add(NumberSet.Parse(text[(i + 1)..close]));
            i = close + 1;
        }

        literals.Add(literal.ToString());
        return new Pattern(literals, sets);
    }

    private sealed record Pattern(List<string> Literals, List<NumberSet> Sets)
    {
        public long Count(int maxHosts)
        {
            long count = 1;
            foreach (var set in Sets)
            {
                // Stop multiplying once past the limit, so the product never overflows.
                count = Math.Min(count * set.Count, (long)maxHosts + 1);
            }

            return count;
        }

        public void AppendTo(List<string> hosts)
        {
            var builder = new StringBuilder(Literals[0]);
            Append(builder, 0, hosts);
        }

        private void Append(StringBuilder builder, int set, List<string> hosts)
        {
            if (set == Sets.Count)
            {
                hosts.Add(builder.ToString());
                return;
            }

            var mark = builder.Length;
            foreach (var number in Sets[set].Numbers())
            {
                builder.Append(number).Append(Literals[set + 1]);
                Append(builder, set + 1, hosts);
                builder.Length = mark;
            }
        }
    }

    /// <summary>The inside of one bracket: <c>1,3,5-7</c>, each range with its zero-padding width.</summary>
    private sealed record NumberSet(List<(long Low, long High, int Width)> Ranges)
    {
        public long Count => Ranges.Sum(r => r.High - r.Low + 1);

        public static NumberSet Parse(string text)
        {
            if (text.Length == 0)
            {
                throw new FormatException("has an empty '[]'");
            }

            var ranges = new List<(long, long, int)>();
            foreach (var item in text.Split(','))
            {
                var dash = item.IndexOf('-', StringComparison.Ordinal);
                var lowText = dash < 0 ? item : item[..dash];
                var highText = dash < 0 ? item : item[(dash + 1)..];
                var low = Number(lowText);
                var high = Number(highText);
                if (high < low)
                {
                    throw new FormatException($"range '{item}' runs backwards");
                }

                // pdsh: "[01-10]" pads to the width of the lower bound as written.
                var width = lowText.Length > 1 && lowText[0] == '0' ? lowText.Length : 0;
                ranges.Add((low, high, width));
            }

            return new NumberSet(ranges);
        }

        public IEnumerable<string> Numbers()
        {
            foreach (var (low, high, width) in Ranges)
            {
                for (var n = low; n <= high; n++)
                {
                    yield return n.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');
                }
            }
        }

        private static long Number(string text)
        {
            if (text.Length is 0 or > MaxDigits || !text.All(char.IsAsciiDigit))
            {
                throw new FormatException($"'{text}' in brackets is not a number of 1 to {MaxDigits.ToString(CultureInfo.InvariantCulture)} digits");
            }

            return long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        }
    }
}
