using IpmiRpc.Core.Sdr;
using IpmiRpc.Core.Sensors;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Core.Tests.Sensors;

/// <summary>The quirks and fallbacks of <see cref="SensorReader"/>; the plain paths are proven against ipmi_sim and the peers.</summary>
public class SensorReaderTests
{
    // Full threshold sensor "T", number 0x01, owner given, unsigned, M 1, linearization given, readable UC in the SDR (raw 90).
    private static FullSensorRecord Full(byte owner = 0x20, byte lun = 0, byte eventType = 0x01, byte linearization = 0, byte format = 0x00, byte number = 0x01)
    {
        var r = new byte[49];
        r[0] = 1;
        r[2] = 0x51;
        r[3] = 0x01;
        r[4] = (byte)(r.Length - 5);
        r[5] = owner;
        r[6] = lun;
        r[7] = number;
        r[8] = 0x07;
        r[9] = 0x01;
        r[11] = 0b0000_0100; // threshold access: readable
        r[12] = 0x01;
        r[13] = eventType;
        r[18] = 0b0001_0000; // UC readable
        r[20] = format;
        r[21] = 1;           // degrees C
        r[23] = linearization;
        r[24] = 1;           // M
        r[37] = 90;          // UC
        r[47] = 0xC1;
        r[48] = (byte)'T';
        return (FullSensorRecord)SdrRecordDecoder.Decode(r);
    }

    private sealed class Bmc
    {
        public List<IpmiRequest> Log { get; } = [];
        public Func<IpmiRequest, IpmiResponse> Answer { get; set; } = _ => new IpmiResponse(0xC1, ReadOnlyMemory<byte>.Empty);

        public IpmiSend Send => (r, _) =>
        {
            Log.Add(r);
            return Task.FromResult(Answer(r));
        };
    }

    [Fact]
    public async Task A_sensor_owned_by_another_controller_is_bridged_unless_AssumeBmcOwner()
    {
        var bmc = new Bmc { Answer = r => r.Command == 0x2D ? new IpmiResponse(0, new byte[] { 40, 0x40, 0 }) : new IpmiResponse(0xC1, ReadOnlyMemory<byte>.Empty) };
        var record = Full(owner: 0x2C, lun: 0x21); // channel 2, LUN 1

        await new SensorReader(bmc.Send).ReadAsync(record, 0, CancellationToken.None);
        var bridged = bmc.Log.Last(r => r.Command == 0x2D);
        Assert.Equal(((byte)0x2C, (byte?)2, (byte)1), (bridged.ResponderAddress, bridged.Channel, bridged.Lun));

        await new SensorReader(bmc.Send, new SensorReaderOptions { Quirks = BmcQuirks.AssumeBmcOwner }).ReadAsync(record, 0, CancellationToken.None);
        var direct = bmc.Log.Last(r => r.Command == 0x2D);
        Assert.Equal((IpmiRequest.BmcAddress, (byte?)null, (byte)1), (direct.ResponderAddress, direct.Channel, direct.Lun));
    }

    [Fact]
    public async Task Scanning_disabled_hides_the_value_unless_IgnoreScanningDisabled()
    {
        var bmc = new Bmc { Answer = r => r.Command == 0x2D ? new IpmiResponse(0, new byte[] { 40, 0x00, 0 }) : new IpmiResponse(0xC1, ReadOnlyMemory<byte>.Empty) };

        var plain = await new SensorReader(bmc.Send).ReadAsync(Full(), 0, CancellationToken.None);
        var quirk = await new SensorReader(bmc.Send, new SensorReaderOptions { Quirks = BmcQuirks.IgnoreScanningDisabled }).ReadAsync(Full(), 0, CancellationToken.None);

        Assert.Equal((SensorStatus.ScanningDisabled, (double?)null), (plain.Status, plain.Value));
        Assert.Equal((SensorStatus.Ok, (double?)40), (quirk.Status, quirk.Value));
    }

    [Fact]
    public async Task DiscreteReading_converts_the_analog_byte_of_a_discrete_full_record()
    {
        var bmc = new Bmc { Answer = r => new IpmiResponse(0, new byte[] { 55, 0x40, 0x02, 0 }) };
        var record = Full(eventType: 0x03);

        var plain = await new SensorReader(bmc.Send).ReadAsync(record, 0, CancellationToken.None);
        var quirk = await new SensorReader(bmc.Send, new SensorReaderOptions { Quirks = BmcQuirks.DiscreteReading }).ReadAsync(record, 0, CancellationToken.None);

        Assert.Null(plain.Value);
        Assert.Equal(["State Asserted"], plain.States.Select(s => s.Name));
        Assert.Equal(55, quirk.Value);
        Assert.Equal(plain.States, quirk.States);
    }

    [Fact]
    public async Task A_non_linear_sensor_is_converted_with_the_factors_of_its_reading()
    {
        var bmc = new Bmc
        {
            Answer = r => r.Command switch
            {
                0x2D => new IpmiResponse(0, new byte[] { 10, 0x40, 0 }),
                0x23 => new IpmiResponse(0, new byte[] { 0x20, 3, 0, 5, 0, 0, 0 }), // M 3, B 5 for this reading
                _ => new IpmiResponse(0xC1, ReadOnlyMemory<byte>.Empty),
            },
        };
        var reading = await new SensorReader(bmc.Send).ReadAsync(Full(linearization: 0x70), 0, CancellationToken.None);

        Assert.Equal(35, reading.Value);
        Assert.Equal(new byte[] { 0x01, 10 }, bmc.Log.Single(r => r.Command == 0x23).Data.ToArray());
    }

    [Fact]
    public async Task Thresholds_fall_back_to_the_SDR_when_Get_Sensor_Thresholds_fails()
    {
        var bmc = new Bmc { Answer = r => r.Command == 0x2D ? new IpmiResponse(0, new byte[] { 95, 0x40, 0b1_0000 }) : new IpmiResponse(0xC1, ReadOnlyMemory<byte>.Empty) };
        var reading = await new SensorReader(bmc.Send).ReadAsync(Full(), 0, CancellationToken.None);

        Assert.Equal(new SensorThresholds(null, null, null, null, 90, null, ThresholdSource.Sdr), reading.Thresholds);
        Assert.Equal(SensorStatus.Critical, reading.Status);
    }

    [Fact]
    public async Task A_refused_reading_is_unavailable_with_its_completion_code()
    {
        var bmc = new Bmc { Answer = _ => new IpmiResponse(0xCB, ReadOnlyMemory<byte>.Empty) };
        var reading = await new SensorReader(bmc.Send).ReadAsync(Full(), 0, CancellationToken.None);
        Assert.Equal((SensorStatus.ReadingUnavailable, 0xCB), (reading.Status, reading.CompletionCode));
    }

    /// <summary>A BMC that holds every answer until the test releases it, counting what is outstanding.</summary>
    private sealed class HeldBmc
    {
        private readonly Lock _lock = new();
        private readonly List<(IpmiRequest Request, TaskCompletionSource<IpmiResponse> Answer)> _pending = [];
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly int _waitFor;
        private Func<IpmiRequest, IpmiResponse>? _answerAtOnce;

        public HeldBmc(int waitFor) => _waitFor = waitFor;

        public int MostPending { get; private set; }

        /// <summary>Completes once <c>waitFor</c> requests are outstanding at the same time.</summary>
        public Task Reached => _reached.Task;

        public IpmiSend Send => (r, _) =>
        {
            var answer = new TaskCompletionSource<IpmiResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                if (_answerAtOnce is { } now)
                {
                    return Task.FromResult(now(r));
                }

                _pending.Add((r, answer));
                MostPending = Math.Max(MostPending, _pending.Count);
                if (_pending.Count >= _waitFor)
                {
                    _reached.TrySetResult();
                }
            }

            return answer.Task;
        };

        public IpmiRequest[] Pending()
        {
            lock (_lock)
            {
                return _pending.Select(p => p.Request).ToArray();
            }
        }

        /// <summary>Answers every outstanding request, newest first, and every later one at once, with <paramref name="answer"/>.</summary>
        public void ReleaseAll(Func<IpmiRequest, IpmiResponse> answer)
        {
            (IpmiRequest Request, TaskCompletionSource<IpmiResponse> Answer)[] now;
            lock (_lock)
            {
                _answerAtOnce = answer;
                now = [.. _pending];
                _pending.Clear();
            }

            foreach (var (request, tcs) in now.Reverse())
            {
                tcs.TrySetResult(answer(request));
            }
        }
    }

    // A discrete reading whose raw byte is the sensor's number, so the order of the readings shows.
    private static IpmiResponse ReadingOfNumber(IpmiRequest r) =>
        r.Command == 0x2D ? new IpmiResponse(0, new byte[] { r.Data.Span[0], 0x40, 0x01, 0 }) : new IpmiResponse(0xC1, ReadOnlyMemory<byte>.Empty);

    [Fact]
    public async Task Several_sensors_are_read_at_once_up_to_MaxSensorsInFlight_and_come_back_in_record_order()
    {
        var sensors = Enumerable.Range(1, 10).Select(n => ((SensorRecord)Full(eventType: 0x03, number: (byte)n), 0)).ToArray();
        var bmc = new HeldBmc(waitFor: 4);
        var reader = new SensorReader(bmc.Send, new SensorReaderOptions { MaxSensorsInFlight = 4 });

        var reading = reader.ReadManyAsync(sensors, CancellationToken.None);
        // Read one at a time, a second request would never be sent before the first was answered: this wait fails.
        await bmc.Reached.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([1, 2, 3, 4], bmc.Pending().Select(r => (int)r.Data.Span[0]).Order());
        bmc.ReleaseAll(ReadingOfNumber);

        var readings = await reading;
        Assert.Equal(Enumerable.Range(1, 10), readings.Select(r => r.SensorNumber));
        Assert.Equal(Enumerable.Range(1, 10).Select(n => (byte?)n), readings.Select(r => r.Raw));
        Assert.Equal(4, bmc.MostPending);
    }

    [Fact]
    public async Task A_threshold_sensor_asks_for_its_thresholds_and_its_reading_together()
    {
        var bmc = new HeldBmc(waitFor: 2);
        var reading = new SensorReader(bmc.Send).ReadAsync(Full(), 0, CancellationToken.None);

        await bmc.Reached.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([0x27, 0x2D], bmc.Pending().Select(r => (int)r.Command).Order());
        bmc.ReleaseAll(r => r.Command == 0x2D ? new IpmiResponse(0, new byte[] { 95, 0x40, 0b1_0000 })
            : new IpmiResponse(0, new byte[] { 0b0001_0000, 0, 0, 0, 0, 91, 0 }));
        var result = await reading;
        Assert.Equal((SensorStatus.Critical, (double?)95, (double?)91, ThresholdSource.Command), (result.Status, result.Value, result.Thresholds!.UpperCritical, result.Thresholds.Source));
    }

    [Fact]
    public async Task A_failure_that_is_not_a_completion_code_fails_the_whole_read()
    {
        var sensors = Enumerable.Range(1, 6).Select(n => ((SensorRecord)Full(eventType: 0x03, number: (byte)n), 0)).ToArray();
        IpmiSend send = (r, _) => r.Data.Span[0] == 3
            ? Task.FromException<IpmiResponse>(new IpmiTimeoutException("no answer", 1000, 0))
            : Task.FromResult(ReadingOfNumber(r));

        await Assert.ThrowsAsync<IpmiTimeoutException>(() => new SensorReader(send).ReadManyAsync(sensors, CancellationToken.None));
    }
}
