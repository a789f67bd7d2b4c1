using IpmiRpc.Host.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IpmiRpc.Host.Tests.Hosting;

/// <summary>The stderr log line: <c>HH:mm:ss.fff level: Category[id] message</c>, one line per entry, no colours.</summary>
public sealed class StderrLogFormatterTests
{
    private static string Format(LogLevel level, string message, Exception? exception = null, int eventId = 0)
    {
        using var writer = new StringWriter();
        var entry = new LogEntry<string>(level, "IpmiRpc.Test", new EventId(eventId), message, exception, (s, _) => s);
        new StderrLogFormatter().Write(in entry, null, writer);
        return writer.ToString();
    }

    [Theory]
    [InlineData(LogLevel.Trace, "trce")]
    [InlineData(LogLevel.Debug, "dbug")]
    [InlineData(LogLevel.Information, "info")]
    [InlineData(LogLevel.Warning, "warn")]
    [InlineData(LogLevel.Error, "fail")]
    [InlineData(LogLevel.Critical, "crit")]
    public void One_line_with_time_level_category_and_event_id(LogLevel level, string text)
    {
        var line = Format(level, "Closed 2 sessions", eventId: 7);
        Assert.Matches($@"^\d\d:\d\d:\d\d\.\d\d\d {text}: IpmiRpc\.Test\[7\] Closed 2 sessions{System.Text.RegularExpressions.Regex.Escape(Environment.NewLine)}$", line);
        Assert.DoesNotContain("\x1b[", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Multi_line_message_and_exception_stay_on_one_line()
    {
        var line = Format(LogLevel.Error, $"first{Environment.NewLine}second", new InvalidOperationException("boom"));
        Assert.EndsWith(Environment.NewLine, line, StringComparison.Ordinal);
        Assert.DoesNotContain(Environment.NewLine, line[..^Environment.NewLine.Length], StringComparison.Ordinal);
        Assert.Contains("first second System.InvalidOperationException: boom", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_when_there_is_neither_message_nor_exception()
    {
        using var writer = new StringWriter();
        var entry = new LogEntry<string>(LogLevel.Warning, "c", default, "s", null, (_, _) => null!);
        new StderrLogFormatter().Write(in entry, null, writer);
        Assert.Equal("", writer.ToString());
    }

    [Fact]
    public void The_factory_honours_the_minimum_level()
    {
        using var factory = HostComposition.CreateLoggerFactory(LogLevel.Warning);
        var logger = factory.CreateLogger("IpmiRpc.Test");
        Assert.False(logger.IsEnabled(LogLevel.Information));
        Assert.True(logger.IsEnabled(LogLevel.Warning));
        using var none = HostComposition.CreateLoggerFactory(LogLevel.None);
        Assert.False(none.CreateLogger("x").IsEnabled(LogLevel.Critical));
    }
}
