using System.Runtime.Versioning;
using Microsoft.Management.Infrastructure;
using Microsoft.Management.Infrastructure.Options;

namespace IpmiRpc.Transports.Cim.Windows;

/// <summary>One CimSession and its Microsoft_IPMI instance; invokes RequestResponse with the arguments it is given.</summary>
[SupportedOSPlatform("windows")]
internal sealed class WindowsCimGateway(CimSession session, CimInstance instance) : ICimIpmiGateway
{
    public string? InstanceName { get; } = instance.CimInstanceProperties["InstanceName"]?.Value as string;

    public IReadOnlyDictionary<string, object?> InvokeRequestResponse(
        IReadOnlyList<CimArgument> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            using var parameters = new CimMethodParametersCollection();
            foreach (var argument in arguments)
            {
                parameters.Add(CimMethodParameter.Create(argument.Name, argument.Value, argument.Type, CimFlags.In));
            }

            using var operationOptions = new CimOperationOptions
            {
                Timeout = timeout,
                CancellationToken = cancellationToken,
            };

            using var result = session.InvokeMethod(
                MicrosoftIpmi.Namespace, instance, MicrosoftIpmi.RequestResponseMethod, parameters, operationOptions);
            var outParameters = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            foreach (var parameter in result.OutParameters)
            {
                outParameters[parameter.Name] = parameter.Value;
            }

            return outParameters;
        }
        catch (CimException ex)
        {
            throw Classify(ex);
        }
    }

    public void Dispose()
    {
        instance.Dispose();
        session.Dispose();
    }

    internal static CimGatewayException Classify(CimException ex)
    {
        uint? errorCode = null;
        try
        {
            // MSFT_WmiError / CIM_Error carry the Win32, WMI or WinRM code that says what really happened.
            errorCode = ex.ErrorData?.CimInstanceProperties["error_Code"]?.Value switch
            {
                uint u => u,
                int i => unchecked((uint)i),
                null => null,
                var other => Convert.ToUInt32(other, System.Globalization.CultureInfo.InvariantCulture),
            };
        }
        catch (Exception inner) when (inner is InvalidCastException or OverflowException or FormatException or CimException)
        {
            // No usable code: classify by the CIM status alone.
        }

        return new CimGatewayException(CimErrorClassifier.Classify(ex.NativeErrorCode, errorCode), ex.Message, ex);
    }
}
