using System.Security.Cryptography;
using System.Text;
using IpmiRpc.Reliability.Tests.Support;
using IpmiRpc.TestSupport;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace IpmiRpc.Reliability.Tests.Secrets;

/// <summary>
/// A unique password and Kg marker through every way secrets reach ipmirpc (passwordEnv, passwordFile, inline,
/// --targets, kg/kgHex/kgEnv/kgFile), in successes and every kind of failure, at --log-level trace: the markers must
/// never appear in stdout, stderr, error data, or any file the process created (its working dir, its TMPDIR, /tmp).
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class SecretLeakTests(ITestOutputHelper output) : ReliabilityTest(output)
{
    private static readonly TimeSpan Answer = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Password_and_Kg_markers_never_leave_the_process()
    {
        var password = "PwMk" + Convert.ToHexString(RandomNumberGenerator.GetBytes(7)); // 18 bytes: within IPMI's 20
        var kg = "KgMk" + Convert.ToHexString(RandomNumberGenerator.GetBytes(7));
        var wrong = "PwWr" + Convert.ToHexString(RandomNumberGenerator.GetBytes(7));
        var started = DateTime.UtcNow.AddSeconds(-1);
        var root = Directory.CreateTempSubdirectory("ipmirpc-secrets-").FullName;
        var work = Directory.CreateDirectory(Path.Combine(root, "work")).FullName;
        var secrets = Directory.CreateDirectory(Path.Combine(root, "secrets")).FullName;
        try
        {
            await using var sim = await IpmiSim.StartAsync(new IpmiSimOptions { ExtraUsers = [("secretusr", password)] });
            var passwordFile = Path.Combine(secrets, "pw");
            var kgFile = Path.Combine(secrets, "kg");
            await File.WriteAllTextAsync(passwordFile, password + "\n");
            await File.WriteAllTextAsync(kgFile, kg + "\n");
            var baseTarget = new JObject
            {
                ["host"] = sim.Host, ["port"] = sim.Port, ["username"] = "secretusr", ["cipherSuite"] = 3, ["timeoutMs"] = 300, ["retries"] = 1,
            };
            JObject T(params (string Key, JToken Value)[] fields)
            {
                var t = (JObject)baseTarget.DeepClone();
                foreach (var (k, v) in fields)
                    t[k] = v;
                return t;
            }

            var targetsFile = Path.Combine(secrets, "targets.json");
            await File.WriteAllTextAsync(targetsFile, new JObject
            {
                ["rack"] = T(("password", password)),
                ["rackKg"] = T(("password", password), ("kg", kg)),
            }.ToString());

            var env = new Dictionary<string, string>
            {
                ["IPMIRPC_SECRET_PW"] = password,
                ["IPMIRPC_SECRET_KG"] = kg,
                ["TMPDIR"] = work,
            };
            var outcomes = new List<string>();
            string stdout, stderr;
            await using (var host = RawHost.Start(["--log-level", "trace", "--targets", targetsFile], env, work))
            {
                async Task Call(string name, string method, JObject p, int? expectCode)
                {
                    var r = await host.CallAsync(method, p, Answer);
                    var code = (int?)r["error"]?["code"];
                    outcomes.Add($"{name}: {(code is null ? "ok" : code.ToString())}");
                    if (expectCode is null)
                        Assert.True(r["result"] is not null, $"{name}: {r}");
                    else
                        Assert.True(code == expectCode, $"{name}: expected {expectCode}, got {r}");
                }

                await Call("passwordEnv", "bmc.getDeviceId", new JObject { ["target"] = T(("passwordEnv", "IPMIRPC_SECRET_PW")) }, null);
                await Call("passwordFile", "ipmi.requestResponse", new JObject { ["target"] = T(("passwordFile", passwordFile)), ["command"] = "GetDeviceId" }, null);
                await Call("inline password", "bmc.getDeviceId", new JObject { ["target"] = T(("password", password), ("privilege", "operator")) }, null);
                await Call("--targets entry", "bmc.getDeviceId", new JObject { ["target"] = "rack" }, null);
                await Call("sessions.list", "sessions.list", new JObject(), null);
                await Call("kgEnv (BMC has no Kg)", "bmc.getDeviceId", new JObject { ["target"] = T(("passwordEnv", "IPMIRPC_SECRET_PW"), ("kgEnv", "IPMIRPC_SECRET_KG")) }, -32003);
                await Call("kgFile", "bmc.getDeviceId", new JObject { ["target"] = T(("passwordEnv", "IPMIRPC_SECRET_PW"), ("kgFile", kgFile)) }, -32003);
                await Call("kg inline", "bmc.getDeviceId", new JObject { ["target"] = T(("passwordEnv", "IPMIRPC_SECRET_PW"), ("kg", kg)) }, -32003);
                await Call("kgHex", "bmc.getDeviceId", new JObject { ["target"] = T(("passwordEnv", "IPMIRPC_SECRET_PW"), ("kgHex", Convert.ToHexString(Encoding.UTF8.GetBytes(kg)))) }, -32003);
                await Call("--targets entry with Kg", "bmc.getDeviceId", new JObject { ["target"] = "rackKg" }, -32003);
                await Call("wrong password", "bmc.getDeviceId", new JObject { ["target"] = T(("password", wrong)) }, -32003);
                await Call("password too long", "bmc.getDeviceId", new JObject { ["target"] = T(("password", password + password)) }, -32602);
                await Call("kg too long", "bmc.getDeviceId", new JObject { ["target"] = T(("password", password), ("kg", kg + kg)) }, -32602);
                await Call("kgHex not hex", "bmc.getDeviceId", new JObject { ["target"] = T(("password", password), ("kgHex", kg)) }, -32602);
                await Call("two password sources", "bmc.getDeviceId", new JObject { ["target"] = T(("password", password), ("passwordEnv", "IPMIRPC_SECRET_PW")) }, -32602);
                await Call("misspelt field", "bmc.getDeviceId", new JObject { ["target"] = T(("pasword", password)) }, -32602);
                await Call("password file missing", "bmc.getDeviceId", new JObject { ["target"] = T(("passwordFile", Path.Combine(secrets, password))) }, -32602);
                await Call("password env unset", "bmc.getDeviceId", new JObject { ["target"] = T(("passwordEnv", password)) }, -32602);
                await Call("password as data", "ipmi.requestResponse", new JObject { ["target"] = T(("password", password)), ["command"] = 1, ["netFn"] = 6, ["data"] = password }, -32602);
                await Call("unreachable BMC", "bmc.getDeviceId", new JObject { ["target"] = T(("password", password), ("port", Ports.GetFreeUdpPort())) }, -32004);
                await Call("sessions.close", "sessions.close", new JObject(), null);
                // Malformed JSON carrying the password: the parse error must not quote it.
                await host.WriteLineAsync($"{{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"bmc.getDeviceId\",\"params\":{{\"target\":{{\"password\":\"{password}\" oops");
                var parseError = await host.ReadLineAsync(Answer);
                Assert.NotNull(parseError);
                outcomes.Add("malformed JSON with the password: " + (string?)JObject.Parse(parseError!)["error"]?["code"]);
                Assert.Equal(0, await host.CloseAndWaitAsync(TimeSpan.FromSeconds(30)));
                stdout = host.StdOut;
                stderr = host.StdErr;
            }

            // ipmirpc call: secrets refused on the command line, without echoing them.
            var call = await ProcessRunner.RunAsync(IpmiRpcProcess.ExecutablePath,
                ["call", "bmc.getDeviceId", "--log-level", "trace", "--params", new JObject { ["target"] = T(("password", password)) }.ToString(Formatting.None)],
                env: env, timeout: Answer, workingDirectory: work);
            Assert.Equal(2, call.ExitCode);
            var viaEnv = await ProcessRunner.RunAsync(IpmiRpcProcess.ExecutablePath,
                ["call", "bmc.getDeviceId", "--log-level", "trace", "--params", new JObject { ["target"] = T(("passwordEnv", "IPMIRPC_SECRET_PW"), ("kgEnv", "IPMIRPC_SECRET_KG")) }.ToString(Formatting.None)],
                env: env, timeout: Answer, workingDirectory: work);
            Assert.Equal(1, viaEnv.ExitCode);

            var texts = new Dictionary<string, string>
            {
                ["stdout"] = stdout,
                ["stderr (trace)"] = stderr,
                ["call stdout"] = call.StdOut,
                ["call stderr"] = call.StdErr,
                ["call (kgEnv) stdout"] = viaEnv.StdOut,
                ["call (kgEnv) stderr"] = viaEnv.StdErr,
            };
            var files = Directory.EnumerateFiles(work, "*", SearchOption.AllDirectories)
                .Concat(NewFilesIn(Path.GetTempPath(), started, exclude: secrets))
                .Distinct()
                .ToList();
            foreach (var f in files)
            {
                try
                {
                    // Length 0 also skips FIFOs and sockets (the runtime's clr-debug-pipe-*, dotnet-diagnostic-*): reading one blocks.
                    if (new FileInfo(f).Length is > 0 and < 1024 * 1024)
                        texts["file " + f] = Encoding.Latin1.GetString(await File.ReadAllBytesAsync(f));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                }
            }

            var leaks = new List<string>();
            foreach (var (secretName, secret) in new[] { ("password", password), ("Kg", kg), ("wrong password", wrong) })
            {
                foreach (var form in Forms(secret))
                {
                    foreach (var (where, text) in texts)
                    {
                        var at = text.IndexOf(form, StringComparison.Ordinal);
                        if (at >= 0)
                            leaks.Add($"{secretName} ({form}) in {where}: …{text[Math.Max(0, at - 200)..Math.Min(text.Length, at + 60)]}…");
                    }
                }
            }

            Log(string.Join("\n", outcomes));
            Log($"scanned {texts.Count} texts ({stderr.Length} chars of trace log, {files.Count} files)");
            Assert.True(stderr.Length > 1000, "the trace log is suspiciously short: " + stderr.Length);
            Assert.True(leaks.Count == 0, "secrets leaked:\n" + string.Join("\n", leaks));
            Ledger.Fault($"secrets: password+Kg markers via env/file/inline/--targets/kg/kgHex/kgEnv/kgFile in {outcomes.Count} scenarios at trace level; scanned stdout, stderr ({stderr.Length} chars), `call` output, {files.Count} files: no leak");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>The marker as text, as hex (both cases, with and without separators) and as base64.</summary>
    private static IEnumerable<string> Forms(string secret)
    {
        var bytes = Encoding.UTF8.GetBytes(secret);
        yield return secret;
        yield return Convert.ToHexString(bytes);
        yield return Convert.ToHexString(bytes).ToLowerInvariant();
        yield return string.Join(" ", bytes.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        yield return string.Join("-", bytes.Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
        yield return Convert.ToBase64String(bytes);
        yield return string.Join(",", bytes.Select(b => b.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>Files directly in <paramref name="dir"/> (not below: other test runs share /tmp) written since the start.</summary>
    private static IEnumerable<string> NewFilesIn(string dir, DateTime since, string exclude)
    {
        try
        {
            return Directory.EnumerateFiles(dir, "*", new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = true })
                .Where(f => !f.StartsWith(exclude, StringComparison.Ordinal))
                .Where(f =>
                {
                    try
                    {
                        return File.GetLastWriteTimeUtc(f) >= since;
                    }
                    catch (IOException)
                    {
                        return false;
                    }
                })
                .Take(500)
                .ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
