using System.Globalization;
using System.Text;

namespace IpmiRpc.TestSupport;

/// <summary>
/// The SDR/sensor board of tests/fixtures/ipmi_sim (board.sdrs compiled with <c>sdrcomp</c> at test time, board.emu's
/// live sensors) as emu lines for <see cref="IpmiSimOptions.ExtraEmu"/>, plus a console port so a test can change the
/// board while the simulator runs (<see cref="IpmiSimConsole"/>).
/// </summary>
public static class IpmiSimBoard
{
    public static string SdrsPath => Path.Combine(RepoPaths.Fixtures, "ipmi_sim", "board.sdrs");

    public static string EmuPath => Path.Combine(RepoPaths.Fixtures, "ipmi_sim", "board.emu");

    /// <summary>SDRs that lie as real boards do (bogus owner, analog reading behind a discrete type): the quirk tests.</summary>
    public static string QuirksSdrsPath => Path.Combine(RepoPaths.Fixtures, "ipmi_sim", "quirks.sdrs");

    public static string QuirksEmuPath => Path.Combine(RepoPaths.Fixtures, "ipmi_sim", "quirks.emu");

    /// <summary>Options for a simulator with the board and, when <paramref name="consolePort"/> is given, its console.</summary>
    public static async Task<IpmiSimOptions> OptionsAsync(int? consolePort = null, IpmiSimOptions? baseOptions = null)
    {
        var options = baseOptions ?? new IpmiSimOptions();
        var emu = new List<string>(options.ExtraEmu);
        emu.AddRange(await EmuLinesAsync());
        var lanConf = new List<string>(options.ExtraLanConf);
        if (consolePort is { } port)
            lanConf.Add(string.Create(CultureInfo.InvariantCulture, $"console 127.0.0.1 {port}"));
        return options with { ExtraEmu = emu, ExtraLanConf = lanConf };
    }

    /// <summary><c>main_sdr_add</c> for every record of board.sdrs, then board.emu.</summary>
    public static Task<IReadOnlyList<string>> EmuLinesAsync() => EmuLinesAsync(SdrsPath, EmuPath);

    /// <summary>
    /// Options for a simulator with <paramref name="extraEmu"/> (e.g. fru.emu), quirks.sdrs with quirks.emu's sensors,
    /// and the board, in that order.
    /// </summary>
    public static async Task<IpmiSimOptions> QuirksOptionsAsync(IEnumerable<string>? extraEmu = null)
    {
        var emu = new List<string>(extraEmu ?? []);
        emu.AddRange(await EmuLinesAsync(QuirksSdrsPath, QuirksEmuPath));
        return await OptionsAsync(baseOptions: new IpmiSimOptions { ExtraEmu = emu });
    }

    private static async Task<IReadOnlyList<string>> EmuLinesAsync(string sdrs, string emu)
    {
        var lines = new List<string>();
        foreach (var record in await CompiledRecordsAsync(sdrs))
            lines.Add(MainSdrAdd(record));
        lines.AddRange(await File.ReadAllLinesAsync(emu));
        return lines;
    }

    /// <summary>The records of board.sdrs (or <paramref name="sdrsPath"/>) as sdrcomp compiles them (8-bit ID strings: <c>-8</c>).</summary>
    public static async Task<IReadOnlyList<byte[]>> CompiledRecordsAsync(string? sdrsPath = null)
    {
        var sdrcomp = Require.Tool("sdrcomp");
        var output = Path.Combine(Path.GetTempPath(), $"ipmirpc-board-{Guid.NewGuid():N}.raw");
        try
        {
            var result = await ProcessRunner.RunAsync(sdrcomp, ["-8", "-r", "-o", output, sdrsPath ?? SdrsPath], timeout: TimeSpan.FromSeconds(30));
            if (result.ExitCode != 0)
                throw new InvalidOperationException($"sdrcomp failed ({result.ExitCode}): {result.StdErr}");
            var raw = await File.ReadAllBytesAsync(output);
            var records = new List<byte[]>();
            for (var at = 0; at + 5 <= raw.Length;)
            {
                var length = raw[at + 4] + 5;
                records.Add(raw.AsSpan(at, Math.Min(length, raw.Length - at)).ToArray());
                at += length;
            }

            return records;
        }
        finally
        {
            File.Delete(output);
        }
    }

    /// <summary>An emu/console line adding <paramref name="record"/> (header included) to the BMC's main SDR repository.</summary>
    public static string MainSdrAdd(ReadOnlySpan<byte> record)
    {
        var sb = new StringBuilder("main_sdr_add 0x20");
        foreach (var b in record)
            sb.Append(CultureInfo.InvariantCulture, $" 0x{b:x2}");
        return sb.ToString();
    }
}
