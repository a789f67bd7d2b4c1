using System.Text.RegularExpressions;
using IpmiRpc.EndToEnd.Tests.Wrappers;
using IpmiRpc.TestSupport;

namespace IpmiRpc.EndToEnd.Tests.Packaging;

/// <summary>
/// The Ansible collection's quality gates, offline with Debian's packages: <c>ansible-test sanity</c>
/// (modules/ansible/tests/sanity/run-offline.sh) and <c>ansible-lint</c> on the collection and the playbooks the
/// suite runs (modules/ansible/tests/lint-offline.sh, with the collection installed so the args rule checks options
/// against our modules' argument specs); the execution-environment files by modules/ansible/tests/ee/check-ee.py
/// (ansible-builder is not packaged by Debian). Its module_utils unit tests run in AnsibleModuleUtilsTests.
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

    [Fact]
    public async Task Ansible_lint_checks_a_playbooks_options_against_the_collections_modules()
    {
        Require.Tool("ansible-lint");
        var dir = Directory.CreateTempSubdirectory("ipmirpc-lint-");
        try
        {
            var playbook = Path.Combine(dir.FullName, "unknown_option.yml");
            await File.WriteAllTextAsync(playbook, """
                ---
                - name: A task with an option the module does not take
                  hosts: localhost
                  gather_facts: false
                  tasks:
                    - name: Read the device id
                      ipmirpc.ipmi.ipmi_bmc_info:
                        host: 127.0.0.1
                        no_such_option: 1

                """);
            var run = await ProcessRunner.RunAsync("/bin/bash",
                [Path.Combine(WrapperSupport.AnsibleCollectionDir, "tests", "lint-offline.sh"), "--playbooks-only", playbook], timeout: Wait);
            Assert.False(run.Succeeded, run.ToString());
            // The module's own argument spec answered: its options are listed (ansible-lint found the collection).
            Assert.Contains("args[module]: Unsupported parameters for ipmirpc.ipmi.ipmi_bmc_info module: no_such_option", run.StdOut, StringComparison.Ordinal);
            Assert.Contains("password_file", run.StdOut, StringComparison.Ordinal);
            Assert.DoesNotContain("Unable to resolve FQCN", run.StdOut + run.StdErr, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Execution_environment_files_follow_ansible_builders_format_and_wire_their_files_through()
    {
        var python = Require.Tool("/usr/bin/python3");
        var check = Path.Combine(WrapperSupport.AnsibleCollectionDir, "tests", "ee", "check-ee.py");
        var run = await ProcessRunner.RunAsync(python, [check, WrapperSupport.AnsibleCollectionDir], timeout: Wait);
        Assert.True(run.Succeeded, run.ToString());
        Assert.Contains("execution environment files valid (3 Debian package names known to apt)", run.StdOut, StringComparison.Ordinal);

        // The same check on a definition that reads the build context from a RUN step, names a galaxy file no
        // additional_build_files entry provides, and a bindep.txt with a package Debian does not have.
        var dir = Directory.CreateTempSubdirectory("ipmirpc-ee-");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir.FullName, "ee"));
            Directory.CreateDirectory(Path.Combine(dir.FullName, "meta"));
            File.Copy(Path.Combine(WrapperSupport.AnsibleCollectionDir, "meta", "execution-environment.yml"), Path.Combine(dir.FullName, "meta", "execution-environment.yml"));
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "ee", "execution-environment.yml"), """
                version: 3
                images:
                  base_image:
                    name: quay.io/ansible/awx-ee:latest
                dependencies:
                  galaxy:
                    collections:
                      - name: _build/collection/ipmirpc-ipmi.tar.gz
                        type: file
                additional_build_files:
                  - src: ipmirpc.tar.gz
                    dest: ipmirpc
                additional_build_steps:
                  append_final:
                    - RUN tar -xzf _build/ipmirpc/ipmirpc.tar.gz -C /opt
                """);
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "bindep.txt"), "libc6 [platform:dpkg]\nno-such-package-ipmirpc [platform:dpkg]\n");
            var broken = await ProcessRunner.RunAsync(python, [check, dir.FullName], timeout: Wait);
            Assert.False(broken.Succeeded, broken.ToString());
            Assert.Contains("galaxy requirement '_build/collection/ipmirpc-ipmi.tar.gz'", broken.StdOut, StringComparison.Ordinal);
            Assert.Contains("a RUN step cannot read _build/", broken.StdOut, StringComparison.Ordinal);
            Assert.Contains("no-such-package-ipmirpc [platform:dpkg] is no package apt knows", broken.StdOut, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [GeneratedRegex("^Running sanity test \"([^\"]+)\"", RegexOptions.Multiline)]
    private static partial Regex SanityTestRun();

    [GeneratedRegex(@"Passed with production profile(?:, \d/5 star rating)?: 0 failure\(s\), \d+ warning\(s\) on (\d+) files")]
    private static partial Regex LintPassed();
}
