using IpmiRpc.TestSupport;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.EndToEnd.Tests.Examples;

/// <summary>The README's first command, run as a user would (with the tests' own ipmirpc build).</summary>
public sealed class DemoScriptTests
{
    [Fact]
    public async Task Demo_answers_every_request_in_the_examples_file()
    {
        var script = Path.Combine(RepoPaths.Root, "examples", "demo.sh");
        var requests = File.ReadAllLines(Path.Combine(RepoPaths.Root, "examples", "requests.ndjson"))
            .Where(l => l.Trim().Length > 0)
            .Select(JObject.Parse)
            .ToList();
        var env = new Dictionary<string, string>
        {
            ["IPMIRPC_EXE"] = IpmiRpcProcess.ExecutablePath,
            ["DEMO_COMPACT"] = "1",
        };

        var r = await ProcessRunner.RunAsync(Require.Tool("bash"), [script], env: env, timeout: TimeSpan.FromMinutes(3));

        Assert.True(r.ExitCode == 0, r.ToString());
        var answers = r.StdOut.Split('\n')
            .Where(l => l.StartsWith('{'))
            .Select(JObject.Parse)
            .ToDictionary(a => (long)a["id"]!);
        Assert.Equal(requests.Count, answers.Count);
        foreach (var request in requests)
        {
            var id = (long)request["id"]!;
            var answer = answers[id];
            var method = (string)request["method"]!;
            if (method == "ipmi.requestResponse" && request["params"]!["command"] is JValue { Type: JTokenType.Integer } cmd && (int)cmd == 4)
            {
                // Get Self Test Results: ipmi_sim answers C1, which must surface as -32001 with the code.
                Assert.Equal(-32001, (int)answer["error"]!["code"]!);
                Assert.Equal(0xC1, (int)answer["error"]!["data"]!["completionCode"]!);
                continue;
            }

            Assert.True(answer["result"] is not null, $"{method}: {answer}");
        }

        Assert.StartsWith("00030908029f9112", (string?)answers[1]["result"]!["hex"], StringComparison.Ordinal);
        var written = (string)RequestFor("systemInfo.set")["params"]!["values"]!["operatingSystemName"]!;
        Assert.Equal(written, (string?)AnswerFor("systemInfo.get")["result"]!["operatingSystemName"]);
        var lanSet = RequestFor("lan.setConfiguration")["params"]!;
        var lan = AnswerFor("lan.getConfiguration")["result"]!;
        foreach (var field in new[] { "ipAddress", "subnetMask", "defaultGatewayIp", "ipAddressSource" })
            Assert.Equal((string?)lanSet[field], (string?)lan[field]);
        var sessions = (JArray)AnswerFor("sessions.list")["result"]!;
        Assert.Single(sessions);
        Assert.DoesNotContain("\"test\"", r.StdOut, StringComparison.Ordinal);

        JObject RequestFor(string method) => requests.Single(q => (string?)q["method"] == method);
        JObject AnswerFor(string method) => answers[(long)RequestFor(method)["id"]!];
    }
}
