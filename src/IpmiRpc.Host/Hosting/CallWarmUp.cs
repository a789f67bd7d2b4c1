using System.Security.Cryptography;
using IpmiRpc.Core.Targets;
using IpmiRpc.Host.Methods.Declarations;
using IpmiRpc.Host.Targets;

namespace IpmiRpc.Host.Hosting;

/// <summary>
/// For <c>ipmirpc call METHOD</c>: what the request will need and the command line cannot change — the method catalog,
/// the method's params binder, the lanplus target's binder, the crypto provider, the result's contracts — is built on a thread of its own
/// while the main thread reads the command line and composes the host. Started, NativeAOT's reflection over the
/// declarations and OpenSSL's start (library, configuration, algorithm fetches) sat one after another on the main
/// thread before the first datagram, while the second core idled (tests/bench/README.md, "Fourth pass: cold start").
/// Each step fills a cache the request reads anyway, so the main thread either finds it built or builds it itself.
/// </summary>
internal static class CallWarmUp
{
    /// <summary>Starts the warm-up for <paramref name="method"/>; returns at once.</summary>
    public static void Start(string method)
    {
        var thread = new Thread(() => Run(method)) { IsBackground = true, Name = "call warm-up" };
        thread.Start();
    }

    internal static void Run(string method)
    {
        MethodDeclaration? declaration = null;
        TaskCompletionSource? contracts = null;
        try
        {
            try
            {
                if (MethodCatalog.TryGet(method, out declaration))
                {
                    // Claimed first, built last: the result is serialized after the BMC answers, so the request waits for
                    // this thread then instead of building them beside it before its first datagram.
                    contracts = DirectCall.ClaimResultContracts(declaration.ResultType);
                    _ = declaration.Binder;
                }

                _ = TargetCatalog.For(IpmiTarget.LanPlus).Binder;
            }
            catch (InvalidOperationException)
            {
                // A broken declaration fails the same way, and is reported, when the request looks it up.
            }

            WarmCrypto();
            if (contracts is not null)
            {
                DirectCall.BuildClaimedResultContracts(declaration!.ResultType, contracts);
            }
        }
        catch (Exception)
        {
            // Only a warm-up: whatever fails here fails again, and is reported, where the request needs it.
        }
        finally
        {
            // Whatever happened above, a request waiting for the claimed contracts goes on (and builds what is missing).
            contracts?.TrySetResult();
        }
    }

    /// <summary>The primitives a lanplus session (cipher suite 3 or 17) and the pool's target fingerprint use first.</summary>
    private static void WarmCrypto()
    {
        try
        {
            Span<byte> block = stackalloc byte[16];
            RandomNumberGenerator.Fill(block);
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(block, block, mac);
            HMACSHA1.HashData(block, block, mac);
            using (var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, block))
            {
                hmac.AppendData(block);
            }

            // As AesCbc128 keys a session: the bare block cipher in one transform each way.
            using var aes = Aes.Create();
            aes.Key = block.ToArray();
            aes.Mode = CipherMode.ECB;
            aes.Padding = PaddingMode.None;
            var blocks = new byte[32];
            using (var encrypt = aes.CreateEncryptor())
            {
                encrypt.TransformBlock(blocks, 0, 16, blocks, 16);
            }

            using var decrypt = aes.CreateDecryptor();
            decrypt.TransformBlock(blocks, 16, 16, blocks, 0);
        }
        catch (Exception ex) when (ex is CryptographicException or PlatformNotSupportedException or TypeInitializationException or DllNotFoundException)
        {
            // Only a warm-up: a provider that fails here fails again, and is reported, where a session uses it.
        }
    }
}
