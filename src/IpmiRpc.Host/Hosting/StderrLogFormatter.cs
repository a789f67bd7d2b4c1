using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace IpmiRpc.Host.Hosting;

/// <summary>
/// One line per entry, <c>HH:mm:ss.fff level: Category[id] message exception</c>, no colours: the shape the simple
/// console formatter printed with SingleLine. Ours because MEL's registration of that formatter goes through a DI
/// container whose open generics cost a NativeAOT cold start ~10 ms of type loading.
/// </summary>
internal sealed class StderrLogFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "ipmirpc";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        textWriter.Write(DateTimeOffset.Now.ToString("HH:mm:ss.fff ", CultureInfo.InvariantCulture));
        textWriter.Write(LevelText(logEntry.LogLevel));
        textWriter.Write(": ");
        textWriter.Write(logEntry.Category);
        textWriter.Write('[');
        textWriter.Write(logEntry.EventId.Id.ToString(CultureInfo.InvariantCulture));
        textWriter.Write(']');
        WriteSingleLine(textWriter, message);
        WriteSingleLine(textWriter, logEntry.Exception?.ToString());
        textWriter.Write(Environment.NewLine);
    }

    private static void WriteSingleLine(TextWriter writer, string? text)
    {
        if (!string.IsNullOrEmpty(text))
        {
            writer.Write(' ');
            writer.Write(text.Replace(Environment.NewLine, " ", StringComparison.Ordinal));
        }
    }

    private static string LevelText(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => level.ToString(),
    };
}

/// <summary>Fixed options for <see cref="ConsoleLoggerProvider"/>: nothing reloads them.</summary>
internal sealed class FixedOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
