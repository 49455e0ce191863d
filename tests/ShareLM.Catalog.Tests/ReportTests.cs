using System.Net;
using ShareLM.Catalog.Reports;

namespace ShareLM.Catalog.Tests;

public sealed class ReportTokenTests
{
    static readonly TimeSpan Minimum = TimeSpan.FromSeconds(3), Maximum = TimeSpan.FromHours(2);

    [Fact]
    public void A_token_is_good_from_its_minimum_age_to_its_maximum_for_its_conversation_only()
    {
        var clock = new FakeClock();
        var tokens = new ReportTokens("a release secret of some length", clock);
        var conversation = Guid.NewGuid();
        var token = tokens.Issue(conversation);

        Assert.Equal(ReportTokenCheck.TooSoon, tokens.Check(token, conversation, Minimum, Maximum));
        clock.Now += TimeSpan.FromSeconds(3);
        Assert.Equal(ReportTokenCheck.Valid, tokens.Check(token, conversation, Minimum, Maximum));
        Assert.Equal(ReportTokenCheck.Invalid, tokens.Check(token, Guid.NewGuid(), Minimum, Maximum));
        Assert.Equal(ReportTokenCheck.Invalid, new ReportTokens("another release secret entirely", clock).Check(token, conversation, Minimum, Maximum));
        clock.Now += Maximum;
        Assert.Equal(ReportTokenCheck.Expired, tokens.Check(token, conversation, Minimum, Maximum));
    }

    [Fact]
    public void Every_form_gets_its_own_token_and_a_token_names_one_report_id()
    {
        var tokens = new ReportTokens("a release secret of some length", new FakeClock());
        var conversation = Guid.NewGuid();
        var first = tokens.Issue(conversation);
        var second = tokens.Issue(conversation);
        Assert.NotEqual(first, second);
        Assert.Equal(tokens.ReportIdOf(first), tokens.ReportIdOf(first));
        Assert.NotEqual(tokens.ReportIdOf(first), tokens.ReportIdOf(second));
        Assert.Equal(8, tokens.ReportIdOf(first).Version);
        Assert.NotEqual(tokens.ReportIdOf(first), new ReportTokens("another release secret entirely", new FakeClock()).ReportIdOf(first));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1764676800")]
    [InlineData("1764676800.")]
    [InlineData(".abc")]
    [InlineData("-5.abc")]
    [InlineData("1764676800.abc")]
    [InlineData("1764676800..abc")]
    [InlineData("1764676800.nonce.abc")]
    [InlineData("1764676800.nonce.abc.def")]
    [InlineData("99999999999999999999999.nonce.abc")]
    public void A_made_up_token_is_invalid(string? token)
    {
        var tokens = new ReportTokens("a release secret of some length", new FakeClock());
        Assert.Equal(ReportTokenCheck.Invalid, tokens.Check(token, Guid.NewGuid(), TimeSpan.Zero, TimeSpan.FromHours(2)));
    }

    [Fact]
    public void A_token_made_for_a_later_time_is_too_soon_never_valid()
    {
        var clock = new FakeClock();
        var tokens = new ReportTokens("a release secret of some length", clock);
        var conversation = Guid.NewGuid();
        clock.Now += TimeSpan.FromHours(1);
        var token = tokens.Issue(conversation);
        clock.Now -= TimeSpan.FromHours(1);
        Assert.Equal(ReportTokenCheck.TooSoon, tokens.Check(token, conversation, TimeSpan.Zero, TimeSpan.FromHours(2)));
    }
}

/// <summary>The report form: what it accepts, what it refuses, and that an accepted report is an event.</summary>
public sealed class ReportTests(CatalogFixture fixture) : IClassFixture<CatalogFixture>
{
    HttpClient Catalog => fixture.Catalog;

    async Task<long> ReportsOfAsync(Guid conversation) =>
        await fixture.ScalarAsync("select count(*) from sharelm.mt_events where type = 'conversation_reported' and data->>'conversationId' = $1", conversation.ToString("D"));

    [Fact]
    public async Task A_report_from_the_page_is_stored_as_an_event()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        var id = await fixture.PublishAsync(contributor, Clients.SimpleConversation("report-1"));
        var token = await Catalog.ReportTokenAsync(id);
        var response = await Catalog.SendReportAsync(id, new()
        {
            ["reason"] = "about-me", ["details"] = "My home address is in the second turn.", ["contact"] = "me@example.org", ["token"] = token,
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var reportId = ReportForms.ReportIdOf(html);
        Assert.Equal(1, await ReportsOfAsync(id));
        // The same form sent again (a double click, a reload) is the same report, not a second one.
        var again = await Catalog.SendReportAsync(id, new()
        {
            ["reason"] = "other", ["details"] = "Sent a second time with other words.", ["token"] = token,
        });
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(reportId, ReportForms.ReportIdOf(await again.Content.ReadAsStringAsync()));
        Assert.Equal(1, await ReportsOfAsync(id));
        Assert.Equal(1, await fixture.ScalarAsync("select count(*) from sharelm.mt_events where stream_id = $1 and data->>'details' = 'My home address is in the second turn.' and data->>'contact' = 'me@example.org'", reportId));
        // A report stream is not a conversation: no write-model row is made for it.
        Assert.Equal(0, await fixture.ScalarAsync("select count(*) from sharelm.mt_doc_conversationstate where id = $1", reportId));
        // Nothing of it reaches the public record.
        Assert.DoesNotContain("second turn", await Catalog.GetStringAsync($"/v1/records/{id}"));
    }

    public static TheoryData<string, string, string, string, string> Refused => new()
    {
        { "", "My home address is in it.", "", "token", "no reason" },
        { "because", "My home address is in it.", "", "token", "unknown reason" },
        { "about-me", "short", "", "token", "details too short" },
        { "about-me", new string('x', 2_001), "", "token", "details too long" },
        { "about-me", "My home address is in it.", new string('c', 201), "token", "contact too long" },
        { "about-me", "My home address is in it.", "", "", "no token" },
        { "about-me", "My home address is in it.", "", "1764676800.forged", "forged token" },
        { "about-me", "My home address is in it.", "", "other", "token of another conversation" },
        { "about-me", "My home address is in it.", "", "honeypot", "the hidden field filled" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_report_that_cannot_be_taken_is_a_400_page_and_stores_nothing(string reason, string details, string contact, string token, string why)
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        var id = await fixture.PublishAsync(contributor, Clients.SimpleConversation("report-refused"));
        var form = new Dictionary<string, string> { ["reason"] = reason, ["details"] = details, ["contact"] = contact };
        form["token"] = token switch
        {
            "token" or "honeypot" => await Catalog.ReportTokenAsync(id),
            "other" => await Catalog.ReportTokenAsync(await fixture.PublishAsync(contributor, Clients.SimpleConversation("report-other"))),
            _ => token,
        };
        if (token == "honeypot") form["website"] = "http://spam.example";
        var response = await Catalog.SendReportAsync(id, form);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, why);
        Assert.Contains("The report could not be sent", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, await ReportsOfAsync(id));
    }

    [Fact]
    public async Task Only_public_conversations_can_be_reported_and_only_with_a_small_form()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        var id = await fixture.PublishAsync(contributor, Clients.SimpleConversation("report-gone"));
        var token = await Catalog.ReportTokenAsync(id);
        var held = Guid.Parse((string)(await fixture.Ingest.CaptureAsync(contributor, Clients.SimpleConversation("report-held")))["id"]!);
        Assert.Equal(HttpStatusCode.NotFound, (await Catalog.GetAsync($"/conversations/{held}/report")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Catalog.GetAsync($"/conversations/{Guid.NewGuid()}/report")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Catalog.GetAsync("/conversations/x/report")).StatusCode);

        var tooLarge = await Catalog.SendReportAsync(id, new() { ["reason"] = "other", ["details"] = new string('x', 20_000), ["token"] = token });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        var json = await Catalog.PostAsync($"/conversations/{id}/report", Clients.RawJson("{\"reason\":\"other\"}"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);

        await fixture.DeleteAsync(contributor, id);
        await Eventually.True(async () => (await Catalog.GetAsync($"/conversations/{id}/report")).StatusCode == HttpStatusCode.Gone, TimeSpan.FromSeconds(20), "the take-down");
        var late = await Catalog.SendReportAsync(id, new() { ["reason"] = "other", ["details"] = "It should not be public anymore.", ["token"] = token });
        Assert.Equal(HttpStatusCode.Gone, late.StatusCode);
        Assert.Equal(0, await ReportsOfAsync(id));
    }
}

public sealed class TightReportLimitFixture : CatalogFixture
{
    protected override IReadOnlyDictionary<string, string?> SettingsChanged => new Dictionary<string, string?> { ["Catalog:ReportsPerHourPerAddress"] = "2" };
}

public sealed class ReportLimitTests(TightReportLimitFixture fixture) : IClassFixture<TightReportLimitFixture>
{
    [Fact]
    public async Task An_address_past_its_hourly_reports_gets_a_429_with_retry_after()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        var id = await fixture.PublishAsync(contributor, Clients.SimpleConversation("report-limit"));
        async Task<HttpResponseMessage> ReportAsync() => await fixture.Catalog.SendReportAsync(id,
            new() { ["reason"] = "other", ["details"] = "It is spam, surely.", ["token"] = await fixture.Catalog.ReportTokenAsync(id) });
        Assert.Equal(HttpStatusCode.Accepted, (await ReportAsync()).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await ReportAsync()).StatusCode);
        var refused = await ReportAsync();
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(2, await fixture.ScalarAsync("select count(*) from sharelm.mt_events where type = 'conversation_reported' and data->>'conversationId' = $1", id.ToString("D")));
    }
}
