using IpmiRpc.Core;

namespace IpmiRpc.Core.Tests;

/// <summary>
/// An in-memory BMC for service-logic tests: LAN configuration (with ipmi_sim's set-in-progress semantics: writes
/// made while "set in progress" are held until commit, and a "set complete" without commit discards them), Get Channel
/// Info and the system info string parameters. Every request is logged.
/// </summary>
internal sealed class FakeBmc
{
    public Dictionary<byte, byte> ChannelMediums { get; } = new() { [1] = 0x04 };
    public Dictionary<byte, byte[]> Lan { get; } = new();
    public HashSet<byte> ReadOnlyLan { get; } = [1, 2, 17, 22, 23];
    public bool LanSetInProgressSupported { get; set; } = true;
    public byte CommitCompletionCode { get; set; }

    public bool SystemInfoSupported { get; set; } = true;
    public HashSet<byte> SystemInfoUnsupported { get; } = [];
    public Dictionary<(byte Parameter, byte Set), byte[]> SystemInfo { get; } = new();
    public bool SystemInfoSetInProgressSupported { get; set; } = true;

    public List<IpmiRequest> Log { get; } = [];
    public Func<IpmiRequest, IpmiResponse?>? Intercept { get; set; }

    private byte _lanState;
    private Dictionary<byte, byte[]>? _lanStaged;
    private bool _lanCommitted;
    private byte _sysState;

    public IpmiSend Send => (request, _) =>
    {
        Log.Add(request);
        return Task.FromResult(Intercept?.Invoke(request) ?? Handle(request));
    };

    public IEnumerable<IpmiRequest> Writes => Log.Where(r => (r.NetFn, r.Command) is (0x0C, 0x01) or (0x06, 0x58));

    /// <summary>Sets the stored value of a system info string parameter by raw blocks (16 bytes each).</summary>
    public void StoreSystemInfo(byte parameter, params byte[][] blocks)
    {
        for (var i = 0; i < blocks.Length; i++)
        {
            SystemInfo[(parameter, (byte)i)] = blocks[i];
        }
    }

    public static byte[] Block(params byte[] prefix)
    {
        var block = new byte[16];
        prefix.CopyTo(block, 0);
        return block;
    }

    private IpmiResponse Handle(IpmiRequest r)
    {
        var d = r.Data.ToArray();
        return (r.NetFn, r.Command) switch
        {
            (0x06, 0x42) => ChannelMediums.TryGetValue((byte)(d[0] & 0x0F), out var medium)
                ? Ok([d[0], medium, 0x01, 0x81, 0xF2, 0x1B, 0x00, 0x00, 0x00])
                : Cc(0xCB),
            (0x0C, 0x02) => GetLan(d),
            (0x0C, 0x01) => SetLan(d),
            (0x06, 0x59) => GetSystemInfo(d),
            (0x06, 0x58) => SetSystemInfo(d),
            _ => Cc(0xC1),
        };
    }

    private IpmiResponse GetLan(byte[] d)
    {
        if (!ChannelMediums.TryGetValue((byte)(d[0] & 0x0F), out var medium) || medium != 0x04)
        {
            return Cc(0xCC);
        }

        var parameter = d[1];
        if (parameter == 0)
        {
            return LanSetInProgressSupported ? Ok([0x11, _lanState]) : Cc(0x80);
        }

        return Lan.TryGetValue(parameter, out var value) ? Ok([0x11, .. value]) : Cc(0x80);
    }

    private IpmiResponse SetLan(byte[] d)
    {
        var parameter = d[1];
        var value = d[2..];
        if (parameter == 0)
        {
            if (!LanSetInProgressSupported)
            {
                return Cc(0x80);
            }

            switch (value[0] & 0b11)
            {
                case 1:
                    if (_lanState != 0)
                    {
                        return Cc(0x81);
                    }

                    _lanState = 1;
                    _lanStaged = new Dictionary<byte, byte[]>();
                    _lanCommitted = false;
                    return Ok([]);
                case 2:
                    if (CommitCompletionCode != 0)
                    {
                        return Cc(CommitCompletionCode);
                    }

                    foreach (var (k, v) in _lanStaged ?? [])
                    {
                        Lan[k] = v;
                    }

                    _lanCommitted = true;
                    return Ok([]);
                default:
                    if (_lanState == 0)
                    {
                        return Cc(0x81);
                    }

                    if (!_lanCommitted && CommitCompletionCode != 0)
                    {
                        // A BMC without commit applies on "set complete".
                        foreach (var (k, v) in _lanStaged ?? [])
                        {
                            Lan[k] = v;
                        }
                    }

                    _lanState = 0;
                    _lanStaged = null;
                    return Ok([]);
            }
        }

        if (!Lan.ContainsKey(parameter))
        {
            return Cc(0x80);
        }

        if (ReadOnlyLan.Contains(parameter))
        {
            return Cc(0x82);
        }

        if (_lanState == 1 && _lanStaged is not null)
        {
            _lanStaged[parameter] = value;
        }
        else
        {
            Lan[parameter] = value;
        }

        return Ok([]);
    }

    private IpmiResponse GetSystemInfo(byte[] d)
    {
        if (!SystemInfoSupported)
        {
            return Cc(0xC1);
        }

        var parameter = d[1];
        var set = d[2];
        if (parameter == 0)
        {
            return SystemInfoSetInProgressSupported ? Ok([0x11, _sysState]) : Cc(0x80);
        }

        if (parameter > 7 || SystemInfoUnsupported.Contains(parameter))
        {
            return Cc(0x80);
        }

        var block = SystemInfo.TryGetValue((parameter, set), out var stored) ? stored : new byte[16];
        return Ok([0x11, set, .. block]);
    }

    private IpmiResponse SetSystemInfo(byte[] d)
    {
        if (!SystemInfoSupported)
        {
            return Cc(0xC1);
        }

        var parameter = d[0];
        if (parameter == 0)
        {
            if (!SystemInfoSetInProgressSupported)
            {
                return Cc(0x80);
            }

            var state = (byte)(d[1] & 0b11);
            if (state == 1 && _sysState != 0)
            {
                return Cc(0x81);
            }

            if (state == 0 && _sysState == 0)
            {
                return Cc(0x81);
            }

            _sysState = state == 2 ? _sysState : state;
            return Ok([]);
        }

        if (parameter > 7 || SystemInfoUnsupported.Contains(parameter))
        {
            return Cc(0x80);
        }

        if (d.Length != 18)
        {
            return Cc(0xC7);
        }

        SystemInfo[(parameter, d[1])] = d[2..];
        return Ok([]);
    }

    private static IpmiResponse Ok(byte[] data) => new(0, data);

    private static IpmiResponse Cc(byte code) => new(code, Array.Empty<byte>());
}
