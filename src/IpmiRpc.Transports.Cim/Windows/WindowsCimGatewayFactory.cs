using System.Runtime.Versioning;
using System.Security;
using Microsoft.Management.Infrastructure;
using Microsoft.Management.Infrastructure.Options;

namespace IpmiRpc.Transports.Cim.Windows;

/// <summary>
/// The real seam: Microsoft.Management.Infrastructure CimSessions. Nothing here runs on Linux CI; the logic around it
/// is tested through <see cref="ICimGatewayFactory"/> fakes.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed class WindowsCimGatewayFactory : ICimGatewayFactory
{
    public ICimIpmiGateway Connect(CimConnectionOptions options, CancellationToken cancellationToken)
    {
        CimSessionOptions? sessionOptions = null;
        SecureString? password = null;
        CimSession? session = null;
        try
        {
            sessionOptions = CreateSessionOptions(options, out password);

            // Local without credentials: the in-process WMI connection, which needs neither WinRM nor DCOM remoting.
            var computer = options.IsLocal && sessionOptions is not null && options.Protocol != CimProtocol.Dcom ? "localhost" : options.ComputerName;
            session = sessionOptions is null ? CimSession.Create(computer) : CimSession.Create(computer, sessionOptions);
            var instance = FindInstance(session, options, cancellationToken);
            var gateway = new WindowsCimGateway(session, instance);
            session = null;
            return gateway;
        }
        catch (CimException ex)
        {
            throw WindowsCimGateway.Classify(ex);
        }
        finally
        {
            session?.Dispose();
            sessionOptions?.Dispose();
            password?.Dispose();
        }
    }

    private static CimSessionOptions? CreateSessionOptions(CimConnectionOptions options, out SecureString? password)
    {
        password = null;
        CimSessionOptions? sessionOptions = options.Protocol switch
        {
            CimProtocol.Dcom => new DComSessionOptions
            {
                PacketPrivacy = true,
                PacketIntegrity = true,
                Impersonation = ImpersonationType.Impersonate,
            },
            CimProtocol.WsMan => new WSManSessionOptions(),
            _ when options.IsLocal && !options.HasCredentials => null,
            _ => new WSManSessionOptions(),
        };

        if (sessionOptions is null)
        {
            return null;
        }

        sessionOptions.Timeout = options.OperationTimeout;
        if (options.HasCredentials)
        {
            var (domain, user) = options.SplitUsername();
            password = options.Password is null ? new SecureString() : SecureStrings.FromUtf8(options.Password.Bytes);
            sessionOptions.AddDestinationCredentials(new CimCredential(PasswordAuthenticationMechanism.Default, domain, user, password));
        }

        return sessionOptions;
    }

    private static CimInstance FindInstance(CimSession session, CimConnectionOptions options, CancellationToken cancellationToken)
    {
        using var operationOptions = new CimOperationOptions
        {
            Timeout = options.OperationTimeout,
            CancellationToken = cancellationToken,
        };

        CimInstance? found = null;
        foreach (var instance in session.EnumerateInstances(MicrosoftIpmi.Namespace, MicrosoftIpmi.ClassName, operationOptions))
        {
            if (found is null)
            {
                found = instance;
            }
            else
            {
                instance.Dispose();
            }
        }

        return found ?? throw new CimGatewayException(
            CimFailureKind.NoInstance, $"{MicrosoftIpmi.ClassName} has no instance on {options.DisplayName}");
    }
}
