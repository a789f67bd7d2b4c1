namespace IpmiRpc.Core.Tests.Fru;

/// <summary>The FRU image tests/fixtures/ipmi_sim/fru-gen.py builds (the same bytes ipmi_sim serves in the sim tests).</summary>
internal static class FruFixture
{
    public static byte[] Image { get; } = Load();

    private static byte[] Load()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "tests", "fixtures", "ipmi_sim", "fru.bin.hex");
            if (File.Exists(path))
                return Convert.FromHexString(File.ReadAllText(path).Trim());
        }

        throw new FileNotFoundException("tests/fixtures/ipmi_sim/fru.bin.hex not found above " + AppContext.BaseDirectory);
    }
}
