using ShareLM.Ingest.Redaction;

namespace ShareLM.Ingest.Capture;

/// <summary>
/// The page address a capture is stored with: scheme, host and path only. A query string or a fragment can carry an
/// e-mail address, a search or a session token, and a URL's user and password are credentials: all are dropped,
/// except the query parameters a platform keeps its conversation's id in. Whatever redaction finds in the path is
/// replaced as in the text.
/// </summary>
public static class PageAddress
{
    /// <summary>Hosts whose conversation id lives in the query, and the parameters that hold it.</summary>
    static readonly Dictionary<string, string[]> IdParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        ["x.com"] = ["conversation"],
    };

    /// <summary>The address as stored, or a problem: only absolute http and https addresses are pages.</summary>
    public static (string? Address, string? Problem) Clean(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return (null, "'pageUrl' must be an absolute URL.");
        if (uri.Scheme is not ("http" or "https")) return (null, "'pageUrl' must be an http or https address.");
        var path = Redactor.Redact(uri.AbsolutePath).Text;
        var kept = new List<string>();
        if (IdParameters.TryGetValue(uri.Host, out var names) && uri.Query.Length > 1)
        {
            foreach (var pair in uri.Query[1..].Split('&'))
            {
                var name = pair.Split('=', 2)[0];
                if (names.Contains(name, StringComparer.Ordinal) && !Redactor.Redact(pair).Changed) kept.Add(pair);
            }
        }
        var port = uri.IsDefaultPort ? "" : $":{uri.Port}";
        return ($"{uri.Scheme}://{uri.Host}{port}{path}{(kept.Count > 0 ? "?" + string.Join('&', kept) : "")}", null);
    }
}
