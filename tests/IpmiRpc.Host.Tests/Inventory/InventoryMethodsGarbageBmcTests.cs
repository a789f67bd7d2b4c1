using CsCheck;
using IpmiRpc.Core;
using Newtonsoft.Json.Linq;
using static IpmiRpc.Host.Tests.HostHarness;

namespace IpmiRpc.Host.Tests.Inventory;

/// <summary>
/// The inventory methods against a BMC that answers every request with random bytes, shaped enough (an SDR header with
/// a consistent length, a FRU area size, a SEL next-record ID) to get past the first check and into the record
/// decoders, sensor conversion, SEL and FRU areas: every call ends in a result or a typed JSON-RPC error, never in
/// -32603 (an exception the decoders let escape), and the host keeps serving. The Core decoders alone are fuzzed in
/// Core.Tests (InventoryDecoderPropertyTests, SelFruPropertyTests); this is the same promise through the readers,
/// the cache and the result mapping.
/// </summary>
public sealed class InventoryMethodsGarbageBmcTests
{
    private static readonly (string Method, JObject Params)[] Calls =
    [
        ("sdr.list", []),
        ("sensors.list", new JObject { ["includeEventOnly"] = true }),
        ("sel.getInfo", []),
        ("sel.list", []),
        ("fru.read", []),
        ("users.list", []),
    ];

    [Fact]
    public async Task Random_answers_give_a_result_or_a_typed_error_never_an_internal_error()
    {
        var transport = new FakeTransport();
        await using var host = Start(transport);
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);

        // CsCheck picks the seeds (and prints the failing one); the answers of one call all come from its seed.
        var cases = Gen.Select(Gen.Int[0, Calls.Length - 1], Gen.Int, Gen.Int[0, 3], Gen.Bool).Array[400].Single();
        foreach (var (call, seed, faultiness, quirked) in cases)
        {
            var random = new Random(seed);
            transport.Responder = (request, _) => Task.FromResult(Answer(request, random, faultiness));
            var (method, parameters) = Calls[call];
            var request = (JObject)parameters.DeepClone();
            if (quirked)
            {
                // Every quirk at once: the decoders' other paths (system events of any record type, unchecked FRU
                // areas, analog readings of discrete sensors, the record-count bound).
                request["target"] = new JObject
                {
                    ["host"] = "bmc.test", ["username"] = "admin", ["password"] = "pw",
                    ["quirks"] = new JArray(Enum.GetNames<Core.Targets.BmcQuirks>().Skip(1).Select(n => char.ToLowerInvariant(n[0]) + n[1..])),
                };
            }

            var response = await host.CallAsync(method, request);

            var code = (int?)response["error"]?["code"];
            Assert.True(response["result"] is not null || code is not null, response.ToString());
            Assert.True(code != -32603, $"{method} seed {seed} faultiness {faultiness} quirked {quirked}: {response}");
            Assert.False(quirked && code == -32602, $"the quirks were refused: {response}");
            var key = method + (code is { } c ? " " + c : " ok");
            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
        }

        // The property is only worth something if random answers reached the decoders: some calls of the record-reading
        // methods must have succeeded.
        Assert.True(new[] { "sdr.list ok", "sel.list ok", "fru.read ok" }.All(outcomes.ContainsKey), string.Join(", ", outcomes.Select(o => $"{o.Key}: {o.Value}")));
        Assert.NotNull((await host.CallAsync("sessions.list"))["result"]);
    }

    /// <summary>
    /// A random answer to <paramref name="request"/>; <paramref name="faultiness"/> 0 answers every command with
    /// completion code 0, higher values add random completion codes and cut answers short.
    /// </summary>
    private static IpmiResponse Answer(IpmiRequest request, Random random, int faultiness)
    {
        if (faultiness > 0 && random.Next(16) < faultiness)
        {
            var code = (byte)random.Next(1, 256);
            return new IpmiResponse(code, Bytes(random, random.Next(0, 4)));
        }

        var data = (request.NetFn, request.Command) switch
        {
            (0x06, 0x01) => Bytes(random, random.Next(11, 16)), // Get Device ID
            (0x0A, 0x20) => Shaped(random, 14, d => d[0] = 0x51), // Get SDR Repository Info: version 51h
            (0x0A, 0x23) => SdrRecord(random), // Get SDR
            (0x0A, 0x10) => Shaped(random, 3, d => (d[0], d[1]) = ((byte)random.Next(0, 256), (byte)random.Next(0, 2))), // FRU area info: < 512 bytes
            (0x0A, 0x11) => ReadFruData(request, random), // Read FRU Data
            (0x0A, 0x40) => Shaped(random, 14, d => d[0] = 0x51), // Get SEL Info
            (0x0A, 0x43) => SelEntry(random), // Get SEL Entry
            (0x04, 0x2D) => Bytes(random, random.Next(2, 5)), // Get Sensor Reading
            _ => Bytes(random, random.Next(0, 24)),
        };
        return new IpmiResponse(0, faultiness > 1 && random.Next(8) == 0 ? data[..random.Next(0, data.Length + 1)] : data);
    }

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Shaped(Random random, int length, Action<byte[]> shape)
    {
        var bytes = Bytes(random, length);
        shape(bytes);
        return bytes;
    }

    // Next-record ID (often the end), then a record whose header length matches its body, of a type the decoder knows.
    private static byte[] SdrRecord(Random random)
    {
        byte[] types = [0x01, 0x02, 0x03, 0x08, 0x09, 0x10, 0x11, 0x12, 0x13, 0x14, 0xC0, random.NextByteValue()];
        var body = Bytes(random, random.Next(0, 64));
        var next = random.Next(4) == 0 ? random.Next(0, 0x10000) : 0xFFFF;
        return [(byte)next, (byte)(next >> 8), random.NextByteValue(), random.NextByteValue(), 0x51, types[random.Next(types.Length)], (byte)body.Length, .. body];
    }

    // Next-record ID, then a 16-byte record, mostly a system event (02h), else OEM or any type.
    private static byte[] SelEntry(Random random)
    {
        byte[] types = [0x02, 0x02, 0x02, 0xC1, 0xE0, random.NextByteValue()];
        var next = random.Next(3) == 0 ? random.Next(0, 0x10000) : 0xFFFF;
        var record = Bytes(random, 16);
        record[2] = types[random.Next(types.Length)];
        return [(byte)next, (byte)(next >> 8), .. record];
    }

    // Read FRU Data: count byte, then at most the bytes asked for (an image of random bytes behind a plausible header).
    private static byte[] ReadFruData(IpmiRequest request, Random random)
    {
        var span = request.Data.Span;
        var want = span.Length >= 4 ? span[3] : 0;
        var offset = span.Length >= 3 ? span[1] | (span[2] << 8) : 0;
        var bytes = Bytes(random, want);
        if (offset == 0 && bytes.Length >= 8)
        {
            bytes[0] = 0x01;
            for (var i = 1; i < 6; i++)
                bytes[i] = (byte)random.Next(0, 8);
            bytes[7] = (byte)-bytes.AsSpan(0, 7).ToArray().Sum(b => b);
        }

        return [(byte)bytes.Length, .. bytes];
    }
}

internal static class RandomBytes
{
    public static byte NextByteValue(this Random random) => (byte)random.Next(0, 256);
}
