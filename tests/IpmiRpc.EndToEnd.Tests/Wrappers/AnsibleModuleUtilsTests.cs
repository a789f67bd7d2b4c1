using System.Text.RegularExpressions;
using IpmiRpc.TestSupport;

namespace IpmiRpc.EndToEnd.Tests.Wrappers;

/// <summary>
/// The collection's Python unit tests (modules/ansible/tests/unit): target building, option → param mapping and
/// failure messages, run with the Python that has ansible-core (the one the playbook tests use).
/// </summary>
public sealed partial class AnsibleModuleUtilsTests
{
    [Fact]
    public async Task Unit_tests_of_module_utils_pass()
    {
        var python = Require.Tool("/usr/bin/python3");
        var dir = Path.Combine(WrapperSupport.AnsibleCollectionDir, "tests", "unit", "plugins", "module_utils");
        var r = await ProcessRunner.RunAsync(python, ["-m", "unittest", "discover", "-s", dir, "-p", "test_*.py", "-v"],
            env: new Dictionary<string, string> { ["PYTHONDONTWRITEBYTECODE"] = "1" }, timeout: TimeSpan.FromMinutes(1));
        Assert.True(r.Succeeded, r.ToString());
        var ran = RanLine().Match(r.StdErr);
        Assert.True(ran.Success && int.Parse(ran.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 10, r.ToString());
    }

    [GeneratedRegex(@"Ran (\d+) tests?")]
    private static partial Regex RanLine();
}
