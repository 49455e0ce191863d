using System.Text.RegularExpressions;

namespace ShareLM.Testing;

/// <summary>The explorer's report form as a person's browser uses it: fetch the page for its token, post the form.</summary>
public static partial class ReportForms
{
    public static async Task<string> ReportTokenAsync(this HttpClient catalog, Guid conversation) =>
        TokenField().Match(await catalog.GetStringAsync($"/conversations/{conversation}/report")).Groups[1].Value;

    public static Task<HttpResponseMessage> SendReportAsync(this HttpClient catalog, Guid conversation, Dictionary<string, string> form) =>
        catalog.PostAsync($"/conversations/{conversation}/report", new FormUrlEncodedContent(form));

    /// <summary>The report's id, as the page that thanks the reporter states it.</summary>
    public static Guid ReportIdOf(string acceptedPage) => Guid.Parse(ReportId().Match(acceptedPage).Groups[1].Value);

    [GeneratedRegex("name=\"token\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    [GeneratedRegex("Report ([0-9a-f-]{36}) will be read")]
    private static partial Regex ReportId();
}
