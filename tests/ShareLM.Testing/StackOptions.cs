using Microsoft.AspNetCore.Builder;

namespace ShareLM.Testing;

/// <summary>What a <see cref="ServiceStack"/> runs: which services, their holds, settings beyond <see cref="TestSettings"/>, and a hook into each host.</summary>
public sealed record StackOptions
{
    public TimeSpan HoldWindow { get; init; } = TimeSpan.FromSeconds(3);
    public TimeSpan LegacyHoldWindow { get; init; } = TimeSpan.Zero;
    public Dictionary<string, string?> Settings { get; init; } = new();
    public Service[] Services { get; init; } = [Service.Ingest, Service.Retention, Service.Catalog];
    public Action<Service, WebApplicationBuilder>? Configure { get; init; }
}
