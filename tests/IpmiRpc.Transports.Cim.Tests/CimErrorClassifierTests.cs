using Microsoft.Management.Infrastructure;

namespace IpmiRpc.Transports.Cim.Tests;

public class CimErrorClassifierTests
{
    [Theory]
    [InlineData(NativeErrorCode.AccessDenied, nameof(CimFailureKind.AccessDenied))]
    [InlineData(NativeErrorCode.InvalidNamespace, nameof(CimFailureKind.NoInstance))]
    [InlineData(NativeErrorCode.InvalidClass, nameof(CimFailureKind.NoInstance))]
    [InlineData(NativeErrorCode.NotFound, nameof(CimFailureKind.NoInstance))]
    [InlineData(NativeErrorCode.ServerIsShuttingDown, nameof(CimFailureKind.Connection))]
    [InlineData(NativeErrorCode.ServerLimitsExceeded, nameof(CimFailureKind.Connection))]
    [InlineData(NativeErrorCode.InvalidParameter, nameof(CimFailureKind.Rejected))]
    [InlineData(NativeErrorCode.MethodNotFound, nameof(CimFailureKind.Rejected))]
    [InlineData(NativeErrorCode.Failed, nameof(CimFailureKind.ProviderFailed))]
    public void Status_alone(NativeErrorCode status, string expected) =>
        Assert.Equal(Enum.Parse<CimFailureKind>(expected), CimErrorClassifier.Classify(status, null));

    [Theory]
    [InlineData(0x80338012u, nameof(CimFailureKind.Connection))] // WinRM client cannot connect
    [InlineData(0x80338126u, nameof(CimFailureKind.Connection))] // WinRM cannot complete the operation (host unreachable)
    [InlineData(0x803380E4u, nameof(CimFailureKind.Connection))] // TrustedHosts / authentication scheme
    [InlineData(0x80338029u, nameof(CimFailureKind.Timeout))]    // WinRM operation timed out
    [InlineData(0x800705B4u, nameof(CimFailureKind.Timeout))]    // ERROR_TIMEOUT
    [InlineData(0x800706BAu, nameof(CimFailureKind.Connection))] // RPC server unavailable (DCOM)
    [InlineData(0x80070005u, nameof(CimFailureKind.AccessDenied))]
    [InlineData(0x80041003u, nameof(CimFailureKind.AccessDenied))]
    [InlineData(0x80041064u, nameof(CimFailureKind.AccessDenied))] // credentials on a local DCOM connection
    [InlineData(0x8007052Eu, nameof(CimFailureKind.AuthenticationFailed))]
    [InlineData(0x80041010u, nameof(CimFailureKind.NoInstance))]
    [InlineData(0x8004100Eu, nameof(CimFailureKind.NoInstance))]
    [InlineData(0x80041008u, nameof(CimFailureKind.Rejected))]
    public void Error_code_from_the_error_instance_decides_over_a_generic_status(uint code, string expected) =>
        Assert.Equal(Enum.Parse<CimFailureKind>(expected), CimErrorClassifier.Classify(NativeErrorCode.Failed, code));

    [Fact]
    public void Unknown_error_code_falls_back_to_the_status() =>
        Assert.Equal(CimFailureKind.AccessDenied, CimErrorClassifier.Classify(NativeErrorCode.AccessDenied, 0x12345678));
}
