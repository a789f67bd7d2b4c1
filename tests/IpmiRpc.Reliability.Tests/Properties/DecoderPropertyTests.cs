using System.Reflection;
using System.Security.Cryptography;
using CsCheck;
using IpmiRpc.Core;
using IpmiRpc.Core.BootOptions;
using IpmiRpc.Core.Commands;
using IpmiRpc.Core.Commands.App;
using IpmiRpc.Core.Configuration;
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
/// exception — nothing else (no IndexOutOfRange, no ArgumentException, no overflow). Core's commands
/// (<see cref="IIpmiCommand{TResponse}"/> implementations) and parameter descriptors (<see cref="IConfigParameter"/>
/// fields) are found by reflection; the rest are listed, and a reflection check makes sure none is missing.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class DecoderPropertyTests(ITestOutputHelper output) : ReliabilityTest(output)
{
    private const int Iterations = 3000;

    private static readonly Assembly Core = typeof(IpmiRequest).Assembly;

    /// <summary>Decoders that are neither a command's nor a parameter descriptor's.</summary>
    private static readonly Dictionary<string, Action<byte[]>> Listed = new()
    {
        // Core helpers
        ["GetChannelCipherSuites.ParseRecords"] = b => GetChannelCipherSuites.ParseRecords(b),
        ["ConfigurationParameterResponse.Decode"] = b => ConfigurationParameterResponse.Decode(b, "fuzz"),
        ["SetInProgressStates.Decode"] = b => SetInProgressStates.Decode(b, "fuzz"),
        ["SystemInfoStringCodec.DecodeHeader"] = b => SystemInfoStringCodec.DecodeHeader(b),
        ["SystemInfoStringCodec.Decode"] = b => SystemInfoStringCodec.Decode(b.Chunk(16).ToList()),
        // SDR, sensors, SEL, FRU (the FRU decoder never throws at all: problems are reported per area)
        ["ConversionFactors.Decode"] = b => IpmiRpc.Core.Sensors.ConversionFactors.Decode(b),
        ["IdString.Decode"] = b => IpmiRpc.Core.Sdr.IdString.Decode(b),
        ["SdrRecordDecoder.DecodeHeader"] = b => IpmiRpc.Core.Sdr.SdrRecordDecoder.DecodeHeader(b),
        ["SdrRecordDecoder.Decode"] = b => IpmiRpc.Core.Sdr.SdrRecordDecoder.Decode(b),
        ["SdrRecordDecoder.DecodeLenient"] = b => IpmiRpc.Core.Sdr.SdrRecordDecoder.DecodeLenient(b),
        ["SelRecordDecoder.Decode"] = b => IpmiRpc.Core.Sel.SelRecordDecoder.Decode(b, IpmiRpc.Core.Sel.SelTimeContext.Uncorrected),
        ["FruDecoder.Decode"] = b =>
        {
            IpmiRpc.Core.Fru.FruDecoder.Decode(b);
            IpmiRpc.Core.Fru.FruDecoder.Decode(b, new IpmiRpc.Core.Fru.FruDecodeOptions(Lenient: true));
        },
        ["FruFieldCodec.DecodeBcdPlus"] = b => IpmiRpc.Core.Fru.FruFieldCodec.DecodeBcdPlus(b),
        ["FruFieldCodec.DecodeSixBitAscii"] = b => IpmiRpc.Core.Fru.FruFieldCodec.DecodeSixBitAscii(b),
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

    /// <summary>Every concrete command in Core, built with default arguments (Decode reads only the answer).</summary>
    private static readonly Dictionary<string, Action<byte[]>> Commands = Core.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false }
                    && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IIpmiCommand<>)))
        .ToDictionary(t => t.Name + ".Decode", t => DecodeWith(Construct(t)));

    /// <summary>Every parameter descriptor in Core (public static fields of a family).</summary>
    private static readonly Dictionary<string, IConfigParameter> Parameters = Core.GetTypes()
        .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
        .Where(f => typeof(IConfigParameter).IsAssignableFrom(f.FieldType))
        .ToDictionary(f => $"{f.DeclaringType!.Name}.{f.Name}", f => (IConfigParameter)f.GetValue(null)!);

    private static readonly Dictionary<string, Action<byte[]>> Decoders = Listed
        .Concat(Commands)
        .Concat(Parameters.Select(p => KeyValuePair.Create<string, Action<byte[]>>(p.Key, b => p.Value.DecodeValue(b))))
        .ToDictionary();

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
    public void Reflection_finds_the_commands_and_parameter_descriptors()
    {
        // Fails if the reflection above silently finds nothing (a renamed interface, a moved assembly).
        Assert.Contains("GetDeviceId.Decode", Commands.Keys);
        Assert.Contains("GetChassisStatus.Decode", Commands.Keys);
        Assert.Contains("LanFamily.VlanId", Parameters.Keys);
        Assert.Contains("BootOptionsFamily.BootFlags", Parameters.Keys);
    }

    [Fact]
    public void Every_static_decoder_in_Core_and_the_lanplus_wire_layer_is_covered()
    {
        // A codec class whose methods the descriptors call is covered by fuzzing the descriptors.
        var descriptorCodecs = Parameters.Values
            .SelectMany(p => new[] { ((Delegate)p.GetType().GetProperty("Decode")!.GetValue(p)!).Method.DeclaringType, p.GetType().GetGenericArguments()[1] })
            .OfType<Type>()
            .ToHashSet();
        var assemblies = new[] { Core, typeof(LanPlusTransport).Assembly };
        var found = assemblies
            .SelectMany(a => a.GetTypes())
            .Where(t => !descriptorCodecs.Contains(t))
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
        Log($"{found.Count} listed-style decoders found; {Commands.Count} commands and {Parameters.Count} parameter descriptors by reflection");
    }

    /// <summary>Helpers reached only through a covered decoder.</summary>
    private static readonly HashSet<string> Private = new(StringComparer.Ordinal)
    {
        "SystemInfoStringCodec.DecodeLatin1",
        "FruDecoder.DecodeInternalUse",
        "FruDecoder.DecodeChassis",
        "FruDecoder.DecodeBoard",
        "FruDecoder.DecodeProduct",
        "FruDecoder.DecodeMultiRecord",
    };

    private static object Construct(Type type)
    {
        var constructor = type.GetConstructors().OrderBy(c => c.GetParameters().Length).First();
        var args = constructor.GetParameters()
            .Select(p => p.HasDefaultValue ? p.DefaultValue : p.ParameterType.IsValueType ? Activator.CreateInstance(p.ParameterType) : null)
            .ToArray();
        return constructor.Invoke(args);
    }

    // IIpmiCommand<T>.Decode takes a span, which reflection cannot pass: call it through the interface.
    private static Action<byte[]> DecodeWith(object command)
    {
        var decode = typeof(DecoderPropertyTests).GetMethod(nameof(DecodeAs), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(command.GetType().GetInterfaces()
                .First(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IIpmiCommand<>)).GetGenericArguments()[0]);
        return (Action<byte[]>)decode.Invoke(null, [command])!;
    }

    private static Action<byte[]> DecodeAs<T>(object command) => bytes => ((IIpmiCommand<T>)command).Decode(bytes);

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
                         ("BootOptionsFamily.ReadAllAsync", () => BootOptionsFamily.Family.ReadAllAsync(send, [BootOptionsFamily.BootFlags], CancellationToken.None)),
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
