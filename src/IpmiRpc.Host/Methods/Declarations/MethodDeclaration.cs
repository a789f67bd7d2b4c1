using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Methods.Declarations;

/// <summary>One declared JSON-RPC method: its <see cref="RpcMethodAttribute"/>, params record and result type.</summary>
public sealed class MethodDeclaration
{
    /// <summary>Params every method of a kind reads through the host rather than its record.</summary>
    public const string TargetParam = "target";
    public const string TimeoutParam = "timeoutMs";
    public const string DryRunParam = "dryRun";

    /// <summary>Fan-out methods: many targets instead of <c>target</c>; mutating ones also take the explicit opt-in.</summary>
    public const string TargetsParam = "targets";
    public const string AllowFanOutWritesParam = "allowFanOutWrites";

    private readonly MethodInfo _method;
    // A method of the call alone, bound once: no argument array and no reflection invoke per request (its Task<T>
    // is a Task, as a delegate's return may be).
    private readonly Func<RpcCall, Task>? _callOnly;
    private readonly PropertyInfo _taskResult;
    private readonly Func<JObject?, bool>? _readOnlyWhen;
    // Built on first use: `ipmirpc call` runs one method, and reflecting over every params record and result type
    // of the catalog was a large part of its cold start.
    private readonly Lazy<ParamBinder?> _binder;
    private readonly Lazy<NullabilityInfo> _resultNullability;

    internal MethodDeclaration(MethodInfo method, RpcMethodAttribute attribute)
    {
        _method = method;
        Attribute = attribute;
        var parameters = method.GetParameters();
        if (!method.IsStatic || parameters.Length is < 1 or > 2 || parameters[0].ParameterType != typeof(RpcCall)
            || !method.ReturnType.IsGenericType || method.ReturnType.GetGenericTypeDefinition() != typeof(Task<>))
        {
            throw new InvalidOperationException($"{method.DeclaringType?.Name}.{method.Name}: a method is static Task<T> Name(RpcCall[, TParams])");
        }

        ParamsType = parameters.Length == 2 ? parameters[1].ParameterType : null;
        // JIT only, as RpcSerializer's compiled getters: NativeAOT keeps the reflection invoke it is known to run.
        _callOnly = parameters.Length == 1 && System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeCompiled
            ? method.CreateDelegate<Func<RpcCall, Task>>()
            : null;
        ResultType = method.ReturnType.GetGenericArguments()[0];
        _resultNullability = new(() => new NullabilityInfoContext().Create(method.ReturnParameter).GenericTypeArguments[0]);
        _taskResult = method.ReturnType.GetProperty(nameof(Task<object>.Result))!;
        var common = new HashSet<string>(StringComparer.Ordinal) { TimeoutParam };
        if (attribute.TakesTarget)
        {
            common.Add(TargetParam);
        }

        if (attribute.Mutating)
        {
            common.Add(DryRunParam);
        }

        if (attribute.Mutating && attribute.FanOut)
        {
            // Harmless on a single call, so a wrapper may always pass it.
            common.Add(AllowFanOutWritesParam);
        }

        CommonParams = common;
        if (attribute.ReadOnlyWhen is { } predicate)
        {
            var check = method.DeclaringType!.GetMethod(predicate, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static, [typeof(JObject)])
                ?? throw new InvalidOperationException($"{method.DeclaringType.Name}.{predicate}(JObject?) not found");
            _readOnlyWhen = check.CreateDelegate<Func<JObject?, bool>>();
        }

        var paramsType = ParamsType;
        _binder = new(() => paramsType is null ? null : ParamBinder.For(paramsType));
    }

    public string Name => Attribute.Name;

    public RpcMethodAttribute Attribute { get; }

    /// <summary>The params record, or null for a method that takes only the common params.</summary>
    public Type? ParamsType { get; }

    public Type ResultType { get; }

    /// <summary>The declared nullability of the result (and of its generic arguments and elements).</summary>
    public NullabilityInfo ResultNullability => _resultNullability.Value;

    internal ParamBinder? Binder => _binder.Value;

    /// <summary>target (when it talks to a BMC), timeoutMs (always), dryRun (when mutating), allowFanOutWrites (mutating fan-out).</summary>
    public IReadOnlySet<string> CommonParams { get; }

    /// <summary>
    /// How a request with these (unbound) params uses its BMC: none without a target, a write when mutating unless
    /// <see cref="RpcMethodAttribute.ReadOnlyWhen"/> says this request only reads. Runs on the read loop: never throws.
    /// </summary>
    public BmcAccess AccessOf(JObject? parameters) =>
        !Attribute.TakesTarget ? BmcAccess.None
        : !Attribute.Mutating ? BmcAccess.Read
        : _readOnlyWhen?.Invoke(parameters) == true ? BmcAccess.Read
        : BmcAccess.Write;

    /// <summary>Binds <paramref name="values"/> without running anything: -32602 for what binding would refuse.</summary>
    internal void Validate(JObject values) => _ = Arguments(call: null, values);

    /// <summary>Binds <paramref name="values"/> (refusing unknown names) and runs the method.</summary>
    public async ValueTask<object?> InvokeAsync(RpcCall call, JObject values)
    {
        Task task;
        if (_callOnly is not null)
        {
            CheckCommonOnly(values);
            task = _callOnly(call);
        }
        else
        {
            task = (Task)Invoke(Arguments(call, values));
        }

        await task.ConfigureAwait(false);
        return _taskResult.GetValue(task);
    }

    private object?[] Arguments(RpcCall? call, JObject values)
    {
        object?[] arguments;
        if (Binder is null)
        {
            CheckCommonOnly(values);
            arguments = [call];
        }
        else
        {
            arguments = [call, Binder.Bind(values, "", CommonParams)];
        }

        return arguments;
    }

    /// <summary>-32602 for a param a method without a params record does not take.</summary>
    private void CheckCommonOnly(JObject values)
    {
        // Linked, not Properties(): this runs for every request of a method without a params record.
        for (var property = (JProperty?)values.First; property is not null; property = (JProperty?)property.Next)
        {
            if (!CommonParams.Contains(property.Name))
            {
                throw new Protocol.RpcParamException(property.Name, "unknown parameter");
            }
        }
    }

    [SuppressMessage("Design", "CA1031", Justification = "Unwrapped and rethrown as is.")]
    private object Invoke(object?[] arguments)
    {
        try
        {
            return _method.Invoke(null, arguments)!;
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }
    }
}
