using System.Reflection;
using System.Security.Cryptography;
using CsCheck;
using IpmiRpc.Core;
using IpmiRpc.Core.Commands.App;
using IpmiRpc.Core.Commands.Chassis;
using IpmiRpc.Core.Commands.Transport;
using IpmiRpc.Core.Lan;
using IpmiRpc.Core.SystemInfo;
using IpmiRpc.Reliability.Tests.Support;
using IpmiRpc.Transports.Lan;
using IpmiRpc.Transports.Lan.Crypto;
using IpmiRpc.Transports.Lan.Wire;
using Xunit.Abstractions;

namespace IpmiRpc.Reliability.Tests.Properties;

/// <summary>
/// Every decoder in Core and in the lanplus wire layer, fed random bytes, returns a result or throws the one decode
/// exception — nothing else (no IndexOutOfRange, no ArgumentException, no overflow). A reflection check makes sure
/// no decoder is missing from the table.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class DecoderPropertyTests(ITestOutputHelper output) : ReliabilityTest(output)
{
    private const int Iterations = 3000;

    private static readonly Dictionary<string, Action<byte[]>> Decoders = new()
    {
        // Core commands
        ["GetDeviceId.Decode"] = b => GetDeviceId.Decode(b),
        ["GetChannelInfo.Decode"] = b => GetChannelInfo.Decode(b),
        ["GetChannelAuthenticationCapabilities.Decode"] = b => GetChannelAuthenticationCapabilities.Decode(b),
        ["GetChannelCipherSuites.Decode"] = b => GetChannelCipherSuites.Decode(b),
        ["GetChannelCipherSuites.ParseRecords"] = b => GetChannelCipherSuites.ParseRecords(b),
        ["GetSystemInfoParameters.Decode"] = b => GetSystemInfoParameters.Decode(b),
        ["SetSessionPrivilegeLevel.Decode"] = b => SetSessionPrivilegeLevel.Decode(b),
        ["CloseSession.DecodeRequest"] = b => CloseSession.DecodeRequest(b),
        ["GetChassisStatus.Decode"] = b => GetChassisStatus.Decode(b),
        ["GetLanConfigurationParameters.Decode"] = b => GetLanConfigurationParameters.Decode(b),
        // LAN parameter codecs
        ["LanParameterCodec.DecodeSetInProgress"] = b => LanParameterCodec.DecodeSetInProgress(b),
        ["LanParameterCodec.DecodeAuthTypeSupport"] = b => LanParameterCodec.DecodeAuthTypeSupport(b),
        ["LanParameterCodec.DecodeAuthTypeEnables"] = b => LanParameterCodec.DecodeAuthTypeEnables(b),
        ["LanParameterCodec.DecodeIpv4"] = b => LanParameterCodec.DecodeIpv4(b),
        ["LanParameterCodec.DecodeIpAddressSource"] = b => LanParameterCodec.DecodeIpAddressSource(b),
        ["LanParameterCodec.DecodeMac"] = b => LanParameterCodec.DecodeMac(b),
        ["LanParameterCodec.DecodeIpv4Header"] = b => LanParameterCodec.DecodeIpv4Header(b),
        ["LanParameterCodec.DecodeArpControl"] = b => LanParameterCodec.DecodeArpControl(b),
        ["LanParameterCodec.DecodeGratuitousArpIntervalMs"] = b => LanParameterCodec.DecodeGratuitousArpIntervalMs(b),
        ["LanParameterCodec.DecodeCommunityString"] = b => LanParameterCodec.DecodeCommunityString(b),
        ["LanParameterCodec.DecodeVlanId"] = b => LanParameterCodec.DecodeVlanId(b),
        ["LanParameterCodec.DecodeVlanPriority"] = b => LanParameterCodec.DecodeVlanPriority(b),
        ["LanParameterCodec.DecodeCipherSuiteEntryCount"] = b => LanParameterCodec.DecodeCipherSuiteEntryCount(b),
        ["LanParameterCodec.DecodeCipherSuiteIds"] = b => LanParameterCodec.DecodeCipherSuiteIds(b, b.Length == 0 ? 0 : b[0] % 40),
        ["LanParameterCodec.DecodeCipherSuitePrivileges"] = b => LanParameterCodec.DecodeCipherSuitePrivileges(b),
        ["LanParameterCodec.DecodeBadPasswordThreshold"] = b => LanParameterCodec.DecodeBadPasswordThreshold(b),
        ["LanParameterCodec.DecodeIpv6Support"] = b => LanParameterCodec.DecodeIpv6Support(b),
        ["LanParameterCodec.DecodeIpv6AddressingMode"] = b => LanParameterCodec.DecodeIpv6AddressingMode(b),
        ["LanParameterCodec.DecodeIpv6Status"] = b => LanParameterCodec.DecodeIpv6Status(b),
        ["LanParameterCodec.DecodeIpv6Address"] = b => LanParameterCodec.DecodeIpv6Address(b),
        ["SystemInfoStringCodec.DecodeHeader"] = b => SystemInfoStringCodec.DecodeHeader(b),
        ["SystemInfoStringCodec.Decode"] = b => SystemInfoStringCodec.Decode(b.Chunk(16).ToList()),
        // lanplus wire codecs
        ["Ipmi15Packet.Decode"] = b => Ipmi15Packet.Decode(b, out _),
        ["Ipmi20Packet.DecodeHeader"] = b => Ipmi20Packet.Payload(b, Ipmi20Packet.DecodeHeader(b)),
        ["IpmiLanMessage.DecodeResponse"] = b => IpmiLanMessage.DecodeResponse(b),
        ["IpmiLanMessage.DecodeRequest"] = b => IpmiLanMessage.DecodeRequest(b),
        ["OpenSessionRequest.Decode"] = b => OpenSessionRequest.Decode(b),
        ["OpenSessionResponse.Decode"] = b => OpenSessionResponse.Decode(b),
        ["Rakp1.Decode"] = b => Rakp1.Decode(b),
        ["Rakp2.Decode"] = b => { Rakp2.Decode(b, 20); Rakp2.Decode(b, 32); Rakp2.Decode(b, 0); },
        ["Rakp3.Decode"] = b => { Rakp3.Decode(b, 20); Rakp3.Decode(b, 32); Rakp3.Decode(b, 0); },
        ["Rakp4.Decode"] = b => { Rakp4.Decode(b, 12); Rakp4.Decode(b, 16); Rakp4.Decode(b, 0); },
        ["AesCbc128.Decrypt"] = b =>
        {
            using var aes = new AesCbc128(new byte[20]);
            aes.Decrypt(b, new byte[b.Length + 16]);
        },
    };

    public static TheoryData<string> Names => new(Decoders.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Random_bytes_give_a_result_or_IpmiDecodeException(string decoder)
    {
        var decode = Decoders[decoder];
        // Mostly short inputs (where length checks live), some long ones.
        Gen.Frequency((4, Gen.Byte.Array[0, 48]), (1, Gen.Byte.Array[0, 400])).Sample(bytes =>
        {
            try
            {
                decode(bytes);
            }
            catch (IpmiDecodeException)
            {
            }
        }, iter: Iterations);
        Counted(decoder);
    }

    [Fact]
    public void Every_decoder_in_Core_and_the_lanplus_wire_layer_is_in_the_table()
    {
        var assemblies = new[] { typeof(IpmiRequest).Assembly, typeof(LanPlusTransport).Assembly };
        var found = assemblies
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Where(m => (m.Name.StartsWith("Decode", StringComparison.Ordinal) || m.Name.StartsWith("Parse", StringComparison.Ordinal) || m.Name == "Decrypt" || m.Name == "Open")
                            && m.GetParameters().FirstOrDefault()?.ParameterType is { } p
                            && (p == typeof(ReadOnlySpan<byte>) || p == typeof(byte[]) || p == typeof(IReadOnlyList<byte[]>)))
                .Select(m => $"{t.Name}.{m.Name}"))
            .Where(n => !n.StartsWith("SessionSecurity.", StringComparison.Ordinal) && !n.StartsWith('<'))
            .Distinct()
            .ToList();
        var missing = found.Where(n => !Decoders.ContainsKey(n) && !Private.Contains(n)).ToList();
        Assert.True(missing.Count == 0, "decoders without a property test: " + string.Join(", ", missing));
        Log($"{found.Count} decoders found; {Decoders.Count} covered");
    }

    /// <summary>Helpers reached only through a covered decoder.</summary>
    private static readonly HashSet<string> Private = new(StringComparer.Ordinal)
    {
        "SystemInfoStringCodec.DecodeLatin1",
    };

    /// <summary>Random and mutated datagrams never make SessionSecurity.Open throw, and Ok only for an untouched payload.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(17)]
    public void SessionSecurity_Open_never_throws_and_accepts_only_genuine_packets(int suiteId)
    {
        var suite = CipherSuite.Find(suiteId)!;
        var k1 = RandomNumberGenerator.GetBytes(suite.Authentication.HmacLength);
        var k2 = RandomNumberGenerator.GetBytes(suite.Authentication.HmacLength);
        const uint consoleSid = 0x01020304, bmcSid = 0x0A0B0C0D;
        using var bmc = new SessionSecurity(suite, k1, k2, consoleSid, bmcSid);
        uint seq = 1;
        var genuine = Gen.Byte.Array[0, 80].Select(payload =>
        {
            var buffer = new byte[SessionSecurity.MaxSealedLength(payload.Length)];
            var n = bmc.Seal(buffer, PayloadType.Ipmi, Interlocked.Increment(ref seq), payload);
            return (Payload: payload, Packet: buffer[..n]);
        });
        var mutated = Gen.Select(genuine, Gen.Int[0, 1000], Gen.Byte[1, 255], Gen.Int[0, 3]).Select((g, at, xor, how) =>
        {
            var p = (byte[])g.Packet.Clone();
            switch (how)
            {
                case 0: p[4 + at % (p.Length - 4)] ^= xor; break;           // flip a byte the HMAC covers
                case 1: p = p[..(at % p.Length)]; break;                     // truncate
                case 2: p = [.. p, xor]; break;                              // extend
                default: p[14] ^= xor; break;                                // lie about the payload length
            }

            return (g.Payload, Packet: p);
        });
        var random = Gen.Byte.Array[0, 200].Select(b => (Payload: (byte[]?)null, Packet: b));
        Gen.OneOf(mutated.Select(m => (Payload: (byte[]?)m.Payload, m.Packet)), random).Sample(t =>
        {
            using var console = new SessionSecurity(suite, k1, k2, bmcSid, consoleSid);
            var output = new byte[t.Packet.Length + 32];
            var result = console.Open(t.Packet, output, out _, out var length);
            if (result == OpenResult.Ok)
            {
                // Without integrity (suite 1) nothing protects a packet; with it only the genuine payload may pass.
                if (suite.Integrity is not null)
                    Assert.True(t.Payload is not null && output.AsSpan(0, length).SequenceEqual(t.Payload), "a forged or mangled packet was accepted");
            }
        }, iter: Iterations);
        Counted($"SessionSecurity.Open (suite {suiteId})");
    }

    /// <summary>The services that combine several answers, fed random BMC answers: a result or an IpmiException, nothing else.</summary>
    [Fact]
    public async Task Services_fed_random_BMC_answers_return_or_throw_IpmiException()
    {
        var gen = Gen.Select(Gen.Int[0, 10_000], Gen.Byte.Array[0, 40].Array[1, 24]);
        var cases = gen.Array[300].Single();
        var failures = new List<string>();
        foreach (var (seed, answers) in cases)
        {
            var i = 0;
            var random = new Random(seed);
            IpmiSend send = (_, _) =>
            {
                var data = answers[i++ % answers.Length];
                // Mostly success, sometimes a completion code.
                var cc = random.Next(6) == 0 ? (byte)random.Next(1, 256) : (byte)0;
                return Task.FromResult(new IpmiResponse(cc, data));
            };
            foreach (var (name, run) in new (string, Func<Task>)[]
                     {
                         ("LanConfigurationService.GetAsync", () => LanConfigurationService.GetAsync(send, null, CancellationToken.None)),
                         ("LanConfigurationService.GetAsync(ch 1)", () => LanConfigurationService.GetAsync(send, 1, CancellationToken.None)),
                         ("SystemInfoService.GetAsync", () => SystemInfoService.GetAsync(send, null, CancellationToken.None)),
                     })
            {
                try
                {
                    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await run().WaitAsync(cts.Token);
                }
                catch (IpmiException)
                {
                }
                catch (Exception ex)
                {
                    failures.Add($"{name} with answers [{string.Join(" | ", answers.Select(Convert.ToHexString))}] (seed {seed}): {ex.GetType().Name}: {ex.Message}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
        Counted("LanConfigurationService/SystemInfoService over random answers");
    }

    private static void Counted(string what) => Ledger.Fault($"property: {what} over {Iterations} random inputs");
}
