using System.CommandLine;
using Marten;
using ShareLM.Events;
using ShareLM.Ops.Conversations;
using Spectre.Console;

namespace ShareLM.Ops.Reports;

/// <summary>
/// <c>reports list [--all]</c> and <c>reports resolve &lt;report-id&gt; --takedown|--keep [--note …]</c>: the reports
/// people send from a conversation's page. A take-down is the same as <c>conversations takedown</c> (the same
/// deletion, erasure and announcement). Once decided, the report's details and contact are blanked (masked), keeping
/// its reason and the decision.
/// </summary>
public static class ReportCommands
{
    public static Command Build(Func<OpsContext> context)
    {
        var all = new Option<bool>("--all") { Description = "resolved reports too" };
        var list = new Command("list", "Reports waiting for a decision (oldest first)") { all };
        list.SetAction(async (parse, ct) =>
        {
            await using var ops = context();
            return await ListAsync(ops, parse.GetValue(all), ct);
        });

        var id = new Argument<Guid>("report-id") { Description = "the report's id (reports list)" };
        var takedown = new Option<bool>("--takedown") { Description = "take the conversation down" };
        var keep = new Option<bool>("--keep") { Description = "keep the conversation public" };
        var note = new Option<string?>("--note") { Description = "why (kept with the decision; no personal data)" };
        var resolve = new Command("resolve", "Decide a report: --takedown or --keep") { id, takedown, keep, note };
        resolve.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(takedown) == parse.GetValue(keep))
            {
                Console.Error.WriteLine("Give exactly one of --takedown and --keep.");
                return 2;
            }
            await using var ops = context();
            return await ResolveAsync(ops, parse.GetValue(id), parse.GetValue(takedown) ? Vocabulary.ReportTakeDown : Vocabulary.ReportKeep,
                parse.GetValue(note), ct);
        });
        return new Command("reports", "Reports sent from the explorer asking for a take-down") { list, resolve };
    }

    static async Task<int> ListAsync(OpsContext ops, bool all, CancellationToken ct)
    {
        await using var session = ops.Store.QuerySession();
        var reports = await session.Events.QueryRawEventDataOnly<ConversationReported>().OrderBy(r => r.ReportedAt).ToListAsync(ct);
        var decisions = (await session.Events.QueryRawEventDataOnly<ReportResolved>().ToListAsync(ct)).ToDictionary(r => r.ReportId);
        var shown = reports.Where(r => all || !decisions.ContainsKey(r.ReportId)).ToList();
        if (shown.Count == 0)
        {
            AnsiConsole.MarkupLine(all ? "No reports." : "No report is waiting for a decision.");
            return 0;
        }
        // Plain lines, one report per block: readable at any terminal width and by scripts.
        foreach (var r in shown)
        {
            var decision = decisions.TryGetValue(r.ReportId, out var d) ? $"  decided: {d.Decision} {d.ResolvedAt:yyyy-MM-dd HH:mm}" : "";
            Console.WriteLine($"{r.ReportId:D}  conversation {r.ConversationId:D}  {r.ReportedAt:yyyy-MM-dd HH:mm}  {r.Reason}{decision}");
            Console.WriteLine($"    details: {(r.Erased ? "(blanked)" : Shorten(r.Details))}");
            if (r.Contact is { Length: > 0 } contact) Console.WriteLine($"    contact: {contact}");
        }
        AnsiConsole.MarkupLineInterpolated($"{shown.Count} report(s){(all ? "" : " waiting for a decision")}.");
        return 0;
    }

    static string Shorten(string text)
    {
        text = text.ReplaceLineEndings(" ");
        return text.Length <= 120 ? text : text[..119] + "…";
    }

    static async Task<int> ResolveAsync(OpsContext ops, Guid reportId, string decision, string? note, CancellationToken ct)
    {
        if (note is { Length: > 500 })
        {
            Console.Error.WriteLine("--note can be at most 500 characters.");
            return 2;
        }
        ConversationReported report;
        ReportResolved resolved;
        await using (var session = ops.Store.LightweightSession())
        {
            var events = await session.Events.FetchStreamAsync(reportId, token: ct);
            if (events.Select(e => e.Data).OfType<ConversationReported>().FirstOrDefault() is not { } reported)
            {
                Console.Error.WriteLine($"No report {reportId}.");
                return 1;
            }
            report = reported;
            if (events.Select(e => e.Data).OfType<ReportResolved>().FirstOrDefault() is { } earlier)
            {
                // Decided before: the steps after the decision are finished again (a run cut short), never changed.
                if (earlier.Decision != decision)
                {
                    Console.Error.WriteLine($"Report {reportId} was already decided: {earlier.Decision}.");
                    return 1;
                }
                resolved = earlier;
            }
            else
            {
                resolved = new ReportResolved(reportId, report.ConversationId, decision, string.IsNullOrWhiteSpace(note) ? null : note.Trim(), DateTimeOffset.UtcNow);
                session.Events.Append(reportId, events.Count + 1, resolved);
                await session.SaveChangesAsync(ct);
            }
        }
        AnsiConsole.MarkupLineInterpolated($"report {reportId}: {resolved.Decision}.");

        if (resolved.Decision == Vocabulary.ReportTakeDown)
        {
            var outcome = await ConversationCommands.TakeDownAsync(ops, report.ConversationId, $"report {reportId:D}: {report.Reason}", wait: true, ct);
            if (outcome != 0) return outcome;
        }
        await ops.Store.Advanced.ApplyEventDataMasking(m => m.IncludeStream(reportId), ct);
        AnsiConsole.MarkupLineInterpolated($"report {reportId}: details and contact blanked.");
        return 0;
    }
}
