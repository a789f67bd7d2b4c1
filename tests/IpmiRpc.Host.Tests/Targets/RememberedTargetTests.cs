using IpmiRpc.Core.Targets;
using IpmiRpc.Host.Protocol;
using IpmiRpc.Host.Targets;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Tests.Targets;

/// <summary>
/// The resolver remembers the targets it resolved (clients send the same target object with every request), but a
/// remembered target never outlives its inputs: the object's exact content, the environment and secret files.
/// </summary>
public sealed class RememberedTargetTests
{
    private readonly Dictionary<string, string> _env = new() { ["BMC_PW"] = "first" };

    private TargetResolver Resolver(Dictionary<string, JObject>? named = null) =>
        new(named, IpmiTarget.OpenIpmi, name => _env.GetValueOrDefault(name));

    [Fact]
    public void The_same_target_object_resolves_to_the_same_target_without_binding_it_again()
    {
        var resolver = Resolver();
        var first = resolver.Resolve(JObject.Parse("""{"host":"10.1.2.3","username":"admin","passwordEnv":"BMC_PW"}"""));
        // Another request's copy of the same object, properties in another order.
        var again = resolver.Resolve(JObject.Parse("""{"passwordEnv":"BMC_PW","username":"admin","host":"10.1.2.3"}"""));
        Assert.Same(first, again);
        Assert.True(resolver.TryResolveRemembered(JObject.Parse("""{"host":"10.1.2.3","username":"admin","passwordEnv":"BMC_PW"}"""), out var remembered));
        Assert.Same(first, remembered);
    }

    [Fact]
    public void A_target_that_differs_in_any_value_or_value_type_is_bound_on_its_own()
    {
        var resolver = Resolver();
        var a = resolver.Resolve(JObject.Parse("""{"host":"h","port":623,"password":"pw"}"""));
        var b = resolver.Resolve(JObject.Parse("""{"host":"h","port":624,"password":"pw"}"""));
        var c = resolver.Resolve(JObject.Parse("""{"host":"h","port":623,"password":"PW"}"""));
        Assert.Equal(624, b.Port);
        Assert.Equal(Secret.FromString("PW"), c.Password);
        Assert.NotSame(a, c);

        // 623.0 equals 623 as a JSON number but is refused as a port: remembering 623 must not let it through.
        Assert.Throws<RpcParamException>(() => resolver.Resolve(JObject.Parse("""{"host":"h","port":623.5,"password":"pw"}""")));
        Assert.Throws<RpcParamException>(() => resolver.Resolve(JObject.Parse("""{"host":"h","port":"623","password":"pw"}""")));
    }

    [Fact]
    public void A_changed_environment_variable_is_read_again()
    {
        var resolver = Resolver();
        var target = JObject.Parse("""{"host":"h","passwordEnv":"BMC_PW"}""");
        Assert.Equal(Secret.FromString("first"), resolver.Resolve(target).Password);

        _env["BMC_PW"] = "second";
        Assert.False(resolver.TryResolveRemembered(target, out _));
        Assert.Equal(Secret.FromString("second"), resolver.Resolve(target).Password);

        _env.Remove("BMC_PW");
        Assert.False(resolver.TryResolveRemembered(target, out _));
        Assert.Equal("target.passwordEnv", Assert.Throws<RpcParamException>(() => resolver.Resolve(target)).Field);
    }

    [Fact]
    public void A_password_file_is_read_on_every_request()
    {
        var file = Path.GetTempFileName();
        try
        {
            var resolver = Resolver(new Dictionary<string, JObject> { ["rack"] = new() { ["host"] = "h", ["passwordFile"] = file } });
            File.WriteAllText(file, "old\n");
            Assert.Equal(Secret.FromString("old"), resolver.Resolve("rack").Password);
            Assert.False(resolver.TryResolveRemembered("rack", out _));

            File.WriteAllText(file, "new\n");
            Assert.Equal(Secret.FromString("new"), resolver.Resolve("rack").Password);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// A one-shot call resolves on its own thread only what reads no file: a target naming a passwordFile (given, or in
    /// the targets file) says false without touching the file, and is then resolved, file read, as before.
    /// </summary>
    [Fact]
    public void Resolving_without_file_reads_refuses_a_target_that_names_a_secret_file_and_reads_nothing()
    {
        var fifo = Path.Combine(Path.GetTempPath(), "ipmirpc-test-" + Guid.NewGuid().ToString("N"));
        var file = Path.GetTempFileName();
        try
        {
            // A FIFO without a writer blocks whoever opens it: a read here would hang the test.
            using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
            {
                mkfifo.WaitForExit();
                Assert.Equal(0, mkfifo.ExitCode);
            }

            var resolver = Resolver(new Dictionary<string, JObject>
            {
                ["blocking"] = new() { ["host"] = "h", ["passwordFile"] = fifo },
                ["plain"] = new() { ["host"] = "h", ["username"] = "u", ["password"] = "pw" },
            });
            Assert.False(resolver.TryResolveWithoutFileReads("blocking", out _));
            Assert.False(resolver.TryResolveWithoutFileReads(new JObject { ["host"] = "h", ["kgFile"] = fifo }, out _));

            Assert.True(resolver.TryResolveWithoutFileReads("plain", out var plain));
            Assert.Equal(Secret.FromString("pw"), plain.Password);
            _env["BMC_PW"] = "from-env";
            Assert.True(resolver.TryResolveWithoutFileReads(new JObject { ["host"] = "h", ["passwordEnv"] = "BMC_PW" }, out var fromEnvironment));
            Assert.Equal(Secret.FromString("from-env"), fromEnvironment.Password);

            File.WriteAllText(file, "from-file\n");
            var withFile = new JObject { ["host"] = "h", ["passwordFile"] = file };
            Assert.False(resolver.TryResolveWithoutFileReads(withFile, out _));
            Assert.Equal(Secret.FromString("from-file"), resolver.Resolve(withFile).Password);

            // Refusals of a bad target are the same errors Resolve gives.
            var bad = new JObject { ["host"] = "h", ["nope"] = 1 };
            Assert.Equal(Assert.Throws<RpcParamException>(() => resolver.Resolve(bad)).Message,
                Assert.Throws<RpcParamException>(() => resolver.TryResolveWithoutFileReads(bad, out _)).Message);
        }
        finally
        {
            File.Delete(fifo);
            File.Delete(file);
        }
    }

    [Fact]
    public void A_remembered_target_is_not_changed_by_the_request_object_it_came_from()
    {
        var resolver = Resolver();
        var target = JObject.Parse("""{"host":"h","password":"pw"}""");
        var first = resolver.Resolve(target);
        target["host"] = "other";
        Assert.Equal("other", resolver.Resolve(target).Host);
        Assert.Same(first, resolver.Resolve(JObject.Parse("""{"host":"h","password":"pw"}""")));
    }

    [Fact]
    public void A_read_only_request_object_is_found_by_reference_and_a_changed_environment_still_counts()
    {
        var resolver = Resolver();
        var target = JObject.Parse("""{"host":"h","passwordEnv":"BMC_PW"}""");
        var first = resolver.Resolve(target);

        Assert.True(resolver.TryResolveRemembered(target, out var byContent, readOnly: true));
        Assert.Same(first, byContent);
        Assert.True(resolver.TryResolveRemembered(target, out var byReference, readOnly: true));
        Assert.Same(first, byReference);

        // Another object of another content is not taken for the one found last.
        Assert.False(resolver.TryResolveRemembered(JObject.Parse("""{"host":"other","passwordEnv":"BMC_PW"}"""), out _, readOnly: true));

        _env["BMC_PW"] = "second";
        Assert.False(resolver.TryResolveRemembered(target, out _, readOnly: true));
        var second = resolver.Resolve(target);
        Assert.Equal(Secret.FromString("second"), second.Password);
        Assert.True(resolver.TryResolveRemembered(target, out var again, readOnly: true));
        Assert.Same(second, again);
    }
}
