namespace IpmiRpc.Core.Commands.Chassis;

/// <summary>Catalogue rows of the chassis commands, looked up by name once (the catalogue is the single source).</summary>
internal static class ChassisCommandRows
{
    public static CommandInfo Get(string name) =>
        CommandCatalogue.TryGet(name, out var row) ? row : throw new InvalidOperationException($"{name} is not in the command catalogue");
}
