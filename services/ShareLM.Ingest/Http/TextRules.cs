namespace ShareLM.Ingest.Http;

/// <summary>Rules shared by every text field a contributor sends.</summary>
public static class TextRules
{
    /// <summary>Control characters other than tab, line feed and carriage return are refused (NUL among them).</summary>
    public static bool HasForbiddenControl(string value)
    {
        foreach (var c in value)
        {
            if (c is '\t' or '\n' or '\r') continue;
            if (char.IsControl(c)) return true;
            if (char.IsSurrogate(c)) continue;
            if (c is '\uFFFE' or '\uFFFF') return true;
        }
        return HasLoneSurrogate(value);
    }

    static bool HasLoneSurrogate(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1])) return true;
                i++;
            }
            else if (char.IsLowSurrogate(value[i])) return true;
        }
        return false;
    }

    /// <summary>Null when the optional field is fine, else the reason.</summary>
    public static string? CheckOptional(string? value, int maxLength, string name)
    {
        if (value is null) return null;
        if (value.Length > maxLength) return $"'{name}' is longer than {maxLength} characters.";
        if (HasForbiddenControl(value)) return $"'{name}' contains control characters.";
        return null;
    }

    public static string? CheckRequired(string? value, int maxLength, string name)
    {
        if (string.IsNullOrWhiteSpace(value)) return $"'{name}' is required.";
        return CheckOptional(value, maxLength, name);
    }
}
