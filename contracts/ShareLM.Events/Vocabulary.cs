namespace ShareLM.Events;

/// <summary>Names shared by events and read models.</summary>
public static class Vocabulary
{
    public const string SourceExtension = "sharelm-extension";
    public const string SourceLegacyExtension = "sharelm-legacy-extension";

    public const string RatingUp = "up";
    public const string RatingDown = "down";

    public const string PublishedBecauseHoldEnded = "hold-ended";
    public const string PublishedOnRequest = "requested";

    public const string DeletedByContributor = "contributor";
    public const string DeletedWithAccount = "contributor-account";
    public const string DeletedByOperator = "operator";

    public const string RoleUser = "user";
    public const string RoleAssistant = "assistant";
    public const string RoleSystem = "system";
}
