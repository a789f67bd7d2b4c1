namespace IpmiRpc.Core;

/// <summary>Packed binary-coded decimal, two digits per byte (high nibble tens).</summary>
public static class Bcd
{
    public static bool TryDecode(byte value, out int result)
    {
        int high = value >> 4, low = value & 0x0F;
        if (high > 9 || low > 9)
        {
            result = 0;
            return false;
        }

        result = (high * 10) + low;
        return true;
    }
}
