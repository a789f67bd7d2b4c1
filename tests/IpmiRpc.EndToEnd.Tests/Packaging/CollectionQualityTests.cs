using System.Text.RegularExpressions;
using IpmiRpc.EndToEnd.Tests.Wrappers;
using IpmiRpc.TestSupport;

namespace IpmiRpc.EndToEnd.Tests.Packaging;

/// <summary>
/// The Ansible collection's quality gates, offline with Debian's packages: <c>ansible-test sanity</c>
/// (modules/ansible/tests/sanity/run-offline.sh) and <c>ansible-lint</c> on the collection and the playbooks the
/// suite runs (modules/ansible/tests/lint-offline.sh). Its module_utils unit tests run in AnsibleModuleUtilsTests.
/// </summary>
public sealed partial class CollectionQualityTests
{
    // The slow sanity tests each in a case of their own: a cold run (no venvs yet) re-runs the tests before each venv
    // it has to make, and one run of all of them took minutes on a loaded 2-core machine, near the suite's hang timeout.
    private static readonly string[] SeparateSanityTests = ["pylint", "validate-modules", "import", "ansible-doc"];
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(4);

    [Theory]
    [InlineData("pylint")]
    [InlineData("validate-modules")]
    [InlineData("import")]
    [InlineData("ansible-doc")]
    [InlineData("")]
    public async Task Ansible_test_sanity_is_clean(string test)
    {
        foreach (var tool in new[] { "ansible-test", "pylint", "yamllint", "shellcheck" })
            Require.Tool(tool);
        string[] selection = test.Length > 0
            ? ["--test", test]
            : [.. SeparateSanityTests.SelectMany(t => new[] { "--skip-test", t })];
        var run = await ProcessRunner.RunAsync("/bin/bash",
            [Path.Combine(WrapperSupport.AnsibleCollectionDir, "tests", "sanity", "run-offline.sh"), .. selection],
            timeout: Wait);
        Assert.True(run.Succeeded, run.ToString());
        var ran = SanityTestRun().Matches(run.StdOut).Select(m => m.Groups[1].Value).ToList();
        if (test.Length > 0)
        {
            Assert.Equal([test], ran);
        }
        else
        {
            Assert.True(ran.Count >= 20, run.ToString());
            Assert.Empty(ran.Intersect(SeparateSanityTests));
        }

        // A sanity test whose program is missing only warns; here it fails the gate.
        Assert.DoesNotContain("Required program", run.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ansible_lint_passes_the_production_profile_on_the_collection_and_the_suites_playbooks()
    {
        Require.Tool("ansible-lint");
        var playbooks = Directory.GetFiles(Path.Combine(WrapperSupport.FixturesDir, "ansible"), "*.yml").Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(playbooks);
        var run = await ProcessRunner.RunAsync("/bin/bash",
            [Path.Combine(WrapperSupport.AnsibleCollectionDir, "tests", "lint-offline.sh"), .. playbooks], timeout: Wait);
        Assert.True(run.Succeeded, run.ToString());
        var passed = LintPassed().Matches(run.StdOut + run.StdErr).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(2, passed.Count);
        Assert.All(passed, files => Assert.True(files > 0, run.ToString()));
        Assert.True(passed[1] >= playbooks.Length, run.ToString());
    }

    [GeneratedRegex("^Running sanity test \"([^\"]+)\"", RegexOptions.Multiline)]
    private static partial Regex SanityTestRun();

    [GeneratedRegex(@"Passed with production profile: 0 failure\(s\), \d+ warning\(s\) on (\d+) files")]
    private static partial Regex LintPassed();
}
