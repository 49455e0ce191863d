using ShareLM.Events;

namespace ShareLM.Conversations;

/// <summary>
/// The closed vocabularies of what a contributor may say about themselves: an age range, a gender from a short
/// list plus "other", and a country as an ISO 3166-1 alpha-2 code. Nothing free-text about a person is stored or
/// published: a free-text field is where people write their name, their town or their e-mail address.
/// <see cref="Parse"/> is strict (the /v1 API refuses anything else); <see cref="Coerce"/> maps what the original
/// extension's free text can be mapped to and drops the rest (legacy uploads, and events stored before the
/// vocabularies, when the Catalog publishes them).
/// </summary>
public static class DemographicVocabulary
{
    public static readonly IReadOnlyList<string> AgeRanges = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"];

    public static readonly IReadOnlyList<string> Genders = ["woman", "man", "non-binary", "other"];

    static readonly HashSet<string> Countries = new(StringComparer.Ordinal)
    {
        "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD", "BE", "BF",
        "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG",
        "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC",
        "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL",
        "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN",
        "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA",
        "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN",
        "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP",
        "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO",
        "RS", "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV",
        "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ", "UA", "UG",
        "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
    };

    /// <summary>
    /// The field that is not in its vocabulary and why, or the demographics as stored. A whole age in years is taken
    /// and stored as its range; "f", "male" and the like as the list's word.
    /// </summary>
    public static (Demographics? Demographics, string? Field, string? Problem) Parse(string? age, string? gender, string? country)
    {
        var a = AgeOf(age);
        if (a is null && Blank(age) is not null) return (null, "age", $"'age' must be one of {string.Join(", ", AgeRanges)} (or a whole number of years, 18 or more) or absent.");
        var g = Blank(gender) is null ? null : KnownGender(gender);
        if (g is null && Blank(gender) is not null) return (null, "gender", $"'gender' must be one of {string.Join(", ", Genders)} or absent.");
        var c = Blank(country)?.ToUpperInvariant();
        if (c is not null && !Countries.Contains(c)) return (null, "location", "'location' must be a country as its two-letter ISO 3166-1 code (e.g. FR) or absent.");
        return (new Demographics(a, g, c), null, null);
    }

    /// <summary>What free text maps to a vocabulary; anything else is dropped.</summary>
    public static Demographics Coerce(Demographics free) => new(AgeOf(free.Age), GenderOf(free.Gender), CountryOf(free.Location));

    static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    static string? AgeOf(string? value)
    {
        var text = Blank(value);
        if (text is null) return null;
        if (AgeRanges.Contains(text)) return text;
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var years)) return null;
        return years switch
        {
            < 18 or > 120 => null,
            < 25 => "18-24",
            < 35 => "25-34",
            < 45 => "35-44",
            < 55 => "45-54",
            < 65 => "55-64",
            _ => "65+",
        };
    }

    // Said something, but not a word of the list: "other" says that much and no more.
    static string? GenderOf(string? value) => Blank(value) is null ? null : KnownGender(value) ?? "other";

    static string? KnownGender(string? value) => Blank(value)?.ToLowerInvariant() switch
    {
        "woman" or "female" or "f" or "w" => "woman",
        "man" or "male" or "m" => "man",
        "non-binary" or "nonbinary" or "non binary" or "nb" or "enby" => "non-binary",
        "other" => "other",
        _ => null,
    };

    static string? CountryOf(string? value)
    {
        var text = Blank(value)?.ToUpperInvariant();
        return text is not null && Countries.Contains(text) ? text : null;
    }
}
