using System.Net;

namespace ShareLM.Ops.Tests;

/// <summary><c>ops reports</c>: a report sent from a conversation's page, listed and decided by an operator.</summary>
public sealed class ReportCommandTests(OpsFixture fixture) : IClassFixture<OpsFixture>
{
    async Task<Guid> ReportAsync(Guid conversation, string details)
    {
        var response = await fixture.Catalog.SendReportAsync(conversation, new()
        {
            ["reason"] = "about-me", ["details"] = details, ["contact"] = "reporter@example.org", ["token"] = await fixture.Catalog.ReportTokenAsync(conversation),
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return ReportForms.ReportIdOf(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_report_resolved_as_a_take_down_erases_the_conversation_and_blanks_the_report()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        var marker = "REPORTED" + Guid.NewGuid().ToString("N")[..8];
        var id = await fixture.PublishAsync(contributor, Clients.SimpleConversation("report-takedown", marker));
        var details = $"The second turn quotes my letter {marker}.";
        var report = await ReportAsync(id, details);

        var list = await fixture.RunAsync("reports", "list");
        Assert.True(list.ExitCode == 0, list.Error);
        Assert.Contains(report.ToString("D"), list.Output);
        Assert.Contains("reporter@example.org", list.Output);

        var resolved = await fixture.RunAsync("reports", "resolve", report.ToString(), "--takedown", "--note", "personal letter");
        Assert.True(resolved.ExitCode == 0, resolved.Output + resolved.Error);
        var entry = await Eventually.Get(async () => await fixture.Catalog.FeedEntryAsync(id) is { Op: "delete" } e ? e : null, TimeSpan.FromSeconds(20), "the take-down in the feed");
        Assert.Null(entry.Record);
        Assert.Equal(HttpStatusCode.Gone, (await fixture.Catalog.GetAsync($"/conversations/{id}")).StatusCode);
        // The same deletion as any other: requested by the operator, naming the report.
        Assert.Equal(1, await fixture.ScalarAsync("select count(*) from sharelm.mt_events where stream_id = $1 and type = 'deletion_requested' and data->>'requestedBy' = 'operator' and data->>'reason' like $2", id, $"report {report:D}%"));
        // The report keeps its reason and decision; the reporter's words and address are gone, as is the conversation's text.
        Assert.Equal(1, await fixture.ScalarAsync("select count(*) from sharelm.mt_events where stream_id = $1 and type = 'report_resolved' and data->>'decision' = 'takedown'", report));
        Assert.Equal(0, await fixture.ScalarAsync("select count(*) from sharelm.mt_events where data::text like $1 or data::text like '%reporter@example.org%'", $"%{marker}%"));
        Assert.DoesNotContain(report.ToString("D"), (await fixture.RunAsync("reports", "list")).Output);
        Assert.Contains("(blanked)", (await fixture.RunAsync("reports", "list", "--all")).Output);

        // Deciding again the same way finishes what is left (nothing here); the other way is refused.
        Assert.Equal(0, (await fixture.RunAsync("reports", "resolve", report.ToString(), "--takedown")).ExitCode);
        Assert.Equal(1, (await fixture.RunAsync("reports", "resolve", report.ToString(), "--keep")).ExitCode);
    }

    [Fact]
    public async Task A_report_resolved_as_keep_leaves_the_conversation_public()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        var id = await fixture.PublishAsync(contributor, Clients.SimpleConversation("report-keep"));
        var report = await ReportAsync(id, "I do not like this answer at all.");
        var resolved = await fixture.RunAsync("reports", "resolve", report.ToString(), "--keep");
        Assert.True(resolved.ExitCode == 0, resolved.Output + resolved.Error);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Catalog.GetAsync($"/conversations/{id}")).StatusCode);
        Assert.Equal(0, await fixture.ScalarAsync("select count(*) from sharelm.mt_events where stream_id = $1 and data::text like '%do not like this answer%'", report));

        Assert.Equal(1, (await fixture.RunAsync("reports", "resolve", Guid.NewGuid().ToString(), "--keep")).ExitCode);
        Assert.Equal(2, (await fixture.RunAsync("reports", "resolve", report.ToString(), "--keep", "--takedown")).ExitCode);
        Assert.Equal(2, (await fixture.RunAsync("reports", "resolve", report.ToString())).ExitCode);
    }
}
