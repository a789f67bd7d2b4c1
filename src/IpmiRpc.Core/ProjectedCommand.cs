namespace IpmiRpc.Core;

/// <summary>A command whose decoded answer is passed through a projection (e.g. a Get … Parameters answer to its data).</summary>
public sealed record ProjectedCommand<TInner, TResponse>(IIpmiCommand<TInner> Inner, Func<TInner, TResponse> Project) : IIpmiCommand<TResponse>
{
    public CommandInfo Info => Inner.Info;

    public ReadOnlyMemory<byte> RequestData => Inner.RequestData;

    public TResponse Decode(ReadOnlySpan<byte> data) => Project(Inner.Decode(data));
}

/// <summary>Builds <see cref="ProjectedCommand{TInner, TResponse}"/>s.</summary>
public static class ProjectedCommand
{
    public static IIpmiCommand<TResponse> Select<TInner, TResponse>(this IIpmiCommand<TInner> command, Func<TInner, TResponse> project) =>
        new ProjectedCommand<TInner, TResponse>(command, project);
}
