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

    /// <summary>Why a conversation is reported (the report form's choices).</summary>
    public static IReadOnlyList<string> ReportReasons { get; } = [ReportAboutMe, ReportPersonalInformation, ReportHarmful, ReportOther];
    public const string ReportAboutMe = "about-me";
    public const string ReportPersonalInformation = "personal-information";
    public const string ReportHarmful = "harmful";
    public const string ReportOther = "other";

    public const string ReportTakeDown = "takedown";
    public const string ReportKeep = "keep";

    /// <summary>What redaction puts in place of an identifier, "[KIND]": in stored text and public records alike.</summary>
    public static class Redacted
    {
        public const string Email = "EMAIL";
        public const string Phone = "PHONE";
        public const string Ssn = "SSN";
        public const string IPv4 = "IPV4";
        public const string IPv6 = "IPV6";
        public const string Mac = "MAC";
        public const string CreditCard = "CREDIT_CARD";
        public const string Iban = "IBAN";
        public const string Secret = "SECRET";

        public static IReadOnlyList<string> Kinds { get; } = [Email, Phone, Ssn, IPv4, IPv6, Mac, CreditCard, Iban, Secret];
    }
}
