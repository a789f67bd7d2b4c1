namespace IpmiRpc.Host.Methods.Declarations;

/// <summary>
/// Declares a static method as a JSON-RPC method: the one place its name, summary, params (the second parameter's
/// type), result (the returned task's type), read-only vs mutating and wrapper names are written. The binder, the
/// OpenRPC document (<c>rpc.discover</c>, <c>schema/</c>) and the wrapper generator all read this declaration.
/// </summary>
/// <remarks>Signature: <c>static Task&lt;TResult&gt; Name(RpcCall call)</c> or <c>static Task&lt;TResult&gt; Name(RpcCall call, TParams p)</c>.</remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RpcMethodAttribute(string name, string summary) : Attribute
{
    /// <summary>The method name, <c>area.verb[Noun]</c> (schema/README.md).</summary>
    public string Name { get; } = name;

    /// <summary>One sentence: what it does and which IPMI commands it sends.</summary>
    public string Summary { get; } = summary;

    /// <summary>Longer text for the document, when the summary is not enough.</summary>
    public string? Description { get; set; }

    /// <summary>Changes BMC state: gets a <c>dryRun</c> param (Ansible check mode, PowerShell -WhatIf) and write ordering.</summary>
    public bool Mutating { get; set; }

    /// <summary>
    /// For a mutating method whose requests may only read (a raw request of a read-only command): the name of a
    /// <c>static bool Name(JObject? params)</c> on the declaring class that says so, read on arrival without binding.
    /// </summary>
    public string? ReadOnlyWhen { get; set; }

    /// <summary>May be sent to many targets at once (fan-out); mutating methods still need the caller to say so.</summary>
    public bool FanOut { get; set; }

    /// <summary>Talks to a BMC: takes the common <c>target</c> param.</summary>
    public bool TakesTarget { get; set; } = true;

    /// <summary>The <c>result</c> content descriptor's name in the document.</summary>
    public string ResultName { get; set; } = "result";

    /// <summary>Ansible module that wraps this method (generated), if any.</summary>
    public string? Ansible { get; set; }

    /// <summary>With <see cref="Ansible"/> naming an <c>_info</c> module shared by several methods: its <c>gather</c> choice.</summary>
    public string? AnsibleGather { get; set; }

    /// <summary>PowerShell cmdlet that wraps this method (generated), if any: <c>Verb-IpmiNoun</c>.</summary>
    public string? PowerShell { get; set; }

    /// <summary>Older cmdlet names kept working as aliases.</summary>
    public string[]? PowerShellAliases { get; set; }

    /// <summary>PowerShell ConfirmImpact for mutating cmdlets (High for power off/cycle, SEL clear).</summary>
    public string? ConfirmImpact { get; set; }
}

/// <summary>A nested param object must have at least this many members (e.g. <c>values</c> of <c>systemInfo.set</c>).</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class MinPropertiesAttribute(int count) : Attribute
{
    public int Count { get; } = count;
}
