using System.Globalization;
using System.Threading.RateLimiting;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ShareLM.Catalog.Explorer;
using ShareLM.Catalog.Options;
using ShareLM.Events;
using ShareLM.ServiceDefaults.Http;

namespace ShareLM.Catalog.Reports;

/// <summary>What a report form holds, checked: the limits the page states and the endpoint enforces.</summary>
public sealed record ReportForm(string? Reason, string? Details, string? Contact, string? Token, string? Website)
{
    public const int MinDetails = 10, MaxDetails = 2_000, MaxContact = 200;
    /// <summary>A form of the three fields cannot be larger than this; a larger body is refused unread.</summary>
    public const long MaxBodyBytes = 16 * 1024;

    public IReadOnlyList<string> Errors()
    {
        var errors = new List<string>();
        if (Reason is null || !Vocabulary.ReportReasons.Contains(Reason)) errors.Add("Choose why it should be taken down.");
        var details = Details?.Trim() ?? "";
        if (details.Length < MinDetails || details.Length > MaxDetails) errors.Add($"Say what is wrong with it in {MinDetails} to {MaxDetails} characters.");
        if ((Contact?.Trim().Length ?? 0) > MaxContact) errors.Add($"The contact can be at most {MaxContact} characters.");
        // A field no person sees, which form-filling scripts fill.
        if (!string.IsNullOrEmpty(Website)) errors.Add("The report could not be accepted.");
        return errors;
    }
}

/// <summary>
/// GET and POST /conversations/{id}/report: anyone can ask for a public conversation to be taken down. A report is an
/// event (<see cref="ConversationReported"/>, a stream of its own), so none is lost; operators list and decide them
/// with <c>ops reports</c>. Anti-spam without a captcha: a signed, time-based, single-use token in the form
/// (<see cref="ReportTokens"/>), a hidden field scripts fill, and a per-address hourly limit.
/// </summary>
public static class ReportEndpoints
{
    public static WebApplication MapReports(this WebApplication app)
    {
        var pages = app.MapGroup("/conversations/{id}/report").ExcludeFromDescription();
        pages.MapGet("", FormAsync);
        pages.MapPost("", SendAsync).DisableAntiforgery();
        return app;
    }

    static async Task<RazorComponentResult> FormAsync(string id, ExplorerQueries queries, ReportTokens tokens, CancellationToken ct)
    {
        if (await PublicConversationAsync(id, queries, ct) is { } refusal) return refusal.Page;
        var conversationId = Guid.Parse(id);
        return new RazorComponentResult<ReportPage>(new { ConversationId = conversationId, Token = tokens.Issue(conversationId) });
    }

    static async Task<RazorComponentResult> SendAsync(string id, HttpContext http, ExplorerQueries queries, ReportTokens tokens, ReportLimits limits,
        IDocumentStore store, IOptions<CatalogOptions> settings, TimeProvider clock, ILogger<ReportForm> logger, CancellationToken ct)
    {
        if (http.Request.ContentLength is null)
            return MessagePage.Result("Length required", "Send the report from its page (a form states its length).", StatusCodes.Status411LengthRequired);
        if (http.Request.ContentLength > ReportForm.MaxBodyBytes)
            return MessagePage.Result("The report is too large", $"A report can be at most {ReportForm.MaxBodyBytes / 1024} KiB.", StatusCodes.Status413PayloadTooLarge);
        if (!http.Request.HasFormContentType)
            return MessagePage.Result("Not a form", "Send the report from its page.", StatusCodes.Status415UnsupportedMediaType);
        if (await PublicConversationAsync(id, queries, ct) is { } refusal) return refusal.Page;
        var conversationId = Guid.Parse(id);

        using (var lease = limits.Acquire(ClientAddress.Of(http)))
        {
            if (!lease.IsAcquired)
            {
                var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(10);
                http.Response.Headers.RetryAfter = Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return MessagePage.Result("Too many reports", "Too many reports were sent from your network in the last hour. Please try again later.",
                    StatusCodes.Status429TooManyRequests);
            }
        }

        var form = await http.Request.ReadFormAsync(ct);
        var report = new ReportForm(form["reason"], form["details"], form["contact"], form["token"], form["website"]);
        var errors = report.Errors().ToList();
        var options = settings.Value;
        switch (tokens.Check(report.Token, conversationId, options.ReportMinimumAge, options.ReportMaximumAge))
        {
            case ReportTokenCheck.Invalid: errors.Add("The form was not recognised: open the report page again."); break;
            case ReportTokenCheck.TooSoon: errors.Add("That was quick: please read the form, then send it again."); break;
            case ReportTokenCheck.Expired: errors.Add("The form has expired: please send it again."); break;
        }
        if (errors.Count > 0)
            return new RazorComponentResult<ReportPage>(new
            {
                ConversationId = conversationId,
                Token = tokens.Issue(conversationId),
                Errors = (IReadOnlyList<string>)errors,
                report.Reason,
                report.Details,
                report.Contact,
            })
            { StatusCode = StatusCodes.Status400BadRequest };

        // The token's report id: a form sent twice (a double click, a reload, a script replaying it) is one report.
        var reportId = tokens.ReportIdOf(report.Token!);
        try
        {
            await using var session = store.LightweightSession();
            session.Events.StartStream(reportId, new ConversationReported(reportId, conversationId, report.Reason!, report.Details!.Trim(),
                string.IsNullOrWhiteSpace(report.Contact) ? null : report.Contact.Trim(), clock.GetUtcNow()));
            await session.SaveChangesAsync(ct);
            // The reporter's words and contact are never logged.
            logger.LogInformation("Report {ReportId} received for conversation {ConversationId} ({Reason})", reportId, conversationId, report.Reason);
        }
        catch (Exception e) when (IsExistingReport(e))
        {
            logger.LogInformation("Report {ReportId} for conversation {ConversationId} was sent again; the first one stands", reportId, conversationId);
        }
        return MessagePage.Result("Thank you: the report was received",
            $"Report {reportId:D} will be read by an operator. If the conversation is taken down, its page will say so and mirrors will be told to remove it.",
            StatusCodes.Status202Accepted);
    }

    static bool IsExistingReport(Exception e) =>
        e is JasperFx.Events.ExistingStreamIdCollisionException or Marten.Exceptions.ExistingStreamIdCollisionException
        || e.InnerException is { } inner && IsExistingReport(inner);

    sealed record Refusal(RazorComponentResult Page);

    static async Task<Refusal?> PublicConversationAsync(string id, ExplorerQueries queries, CancellationToken ct)
    {
        var stored = Guid.TryParse(id, out var conversationId) ? await queries.ConversationAsync(conversationId, ct) : new StoredConversation.Unknown();
        return stored switch
        {
            StoredConversation.Public => null,
            var other => new(MessagePage.NotPublic(other)),
        };
    }

}

/// <summary>Reports per address (IPv6: its /64) per hour, in this instance.</summary>
public sealed class ReportLimits(IOptions<CatalogOptions> settings) : IDisposable
{
    readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = settings.Value.ReportsPerHourPerAddress,
            Window = TimeSpan.FromHours(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    public RateLimitLease Acquire(string address) => _limiter.AttemptAcquire(address);

    public void Dispose() => _limiter.Dispose();
}
