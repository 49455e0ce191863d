namespace ShareLM.Events;

/// <summary>Optional self-described demographics, copied from the contributor at capture time.</summary>
public sealed record Demographics(string? Age, string? Gender, string? Location)
{
    public static readonly Demographics None = new(null, null, null);
}
