using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;

namespace ShareLM.Catalog.Tests;

/// <summary>The explorer's pages, read as a browser gets them: the public dataset and nothing else.</summary>
public sealed partial class ExplorerTests(CatalogFixture fixture) : IClassFixture<CatalogFixture>
{
    HttpClient Catalog => fixture.Catalog;

    static object Conversation(string clientId, string model, string? rating, params (string Role, string Content, int? Rating)[] turns) => new
    {
        conversationId = clientId,
        pageUrl = "https://chatgpt.com/c/" + clientId,
        model,
        rating,
        messages = turns.Select(t => new { role = t.Role, content = t.Content, rating = t.Rating }).ToArray(),
    };

    async Task<(HttpStatusCode Status, string Html)> PageAsync(string path)
    {
        var response = await Catalog.GetAsync(path);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_word_finds_its_conversation_whose_page_shows_the_turns_ratings_and_marks()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        var word = "zanzibarquokka" + Guid.NewGuid().ToString("N")[..6];
        var id = await fixture.PublishAsync(contributor, Conversation("explorer-word", "gpt-4o", "up",
            ("user", $"Tell me about the {word} please, and mail me at someone@example.com <script>alert(1)</script>", null),
            ("assistant", "It is a small marsupial with a big smile.", 1),
            ("user", "And where does it live?", null),
            ("assistant", "On an island off Western Australia.", -1)));
        await fixture.PublishAsync(contributor, Clients.SimpleConversation("explorer-other"));

        Assert.Equal([id], await ResultsOnceIndexedAsync($"/conversations?q={word}", 1));

        var (status, html) = await PageAsync($"/conversations/{id}");
        Assert.Equal(HttpStatusCode.OK, status);
        // Text outside ASCII is written as it is, not as character references (emoji excepted: the encoder always escapes those).
        Assert.Contains("rated −1", html);
        html = WebUtility.HtmlDecode(html);
        Assert.Contains(word, html);
        Assert.Contains("It is a small marsupial with a big smile.", html);
        Assert.Contains("gpt-4o", html);
        Assert.Contains("rated +1", html);
        Assert.Contains("rated −1", html);
        Assert.Contains("👍 thumbs up", html);
        Assert.Matches("<mark title=\"redacted: EMAIL\">\\[EMAIL\\]</mark>", html);
        Assert.DoesNotContain("someone@example.com", html);
        // Text is text: markup in a conversation is shown, never run.
        Assert.Contains("<script>alert(1)</script>", html);
        var raw = await Catalog.GetStringAsync($"/conversations/{id}");
        Assert.DoesNotContain("<script>alert(1)</script>", raw);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", raw);
        Assert.Contains($"/conversations/{id}/report", html);
    }

    [Fact]
    public async Task Filters_combine_in_the_url_and_page_newest_first()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        var tag = "filtertag" + Guid.NewGuid().ToString("N")[..6];
        var older = await fixture.PublishAsync(contributor, Conversation("filter-1", "claude-3-5-sonnet", "down", ("user", $"First question {tag} about rivers", null), ("assistant", "Rivers flow.", null)));
        var newer = await fixture.PublishAsync(contributor, Conversation("filter-2", "claude-3-5-sonnet", "down", ("user", $"Second question {tag} about lakes", null), ("assistant", "Lakes stay.", null)));
        await fixture.PublishAsync(contributor, Conversation("filter-3", "gpt-4o", "down", ("user", $"Third question {tag} about seas", null), ("assistant", "Seas move.", null)));

        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        Assert.Equal([newer, older], await ResultsOnceIndexedAsync($"/conversations?q={tag}&model=claude-3-5-sonnet&rating=thumbdown&language=en&from={today}&to={today}", 2));
        var (_, html) = await PageAsync($"/conversations?q={tag}&model=claude-3-5-sonnet&rating=thumbdown&language=en&from={today}&to={today}");
        // The form shows the filters it ran with.
        Assert.Contains("<input id=\"model\" name=\"model\" list=\"models\" value=\"claude-3-5-sonnet\"", html);
        Assert.Contains("<option value=\"en\" selected>", html);
        // Every model the dataset holds is offered as the model is typed (once the stats have counted it).
        await Eventually.True(async () => (await PageAsync("/conversations")).Html.Contains("<option value=\"gpt-4o\"></option>"), TimeSpan.FromSeconds(30),
            "gpt-4o among the models offered");

        var newerCursor = (await Catalog.FeedEntryAsync(newer))!.Cursor;
        (_, html) = await PageAsync($"/conversations?q={tag}&model=claude-3-5-sonnet&before={newerCursor}");
        Assert.Equal([older], ResultIds(html));
        (_, html) = await PageAsync($"/conversations?q={tag}&rating=thumbup");
        Assert.Empty(ResultIds(html));
        Assert.Contains("No public conversation matches.", html);
    }

    [Theory]
    [InlineData("from=yesterday")]
    [InlineData("to=2026-02-30")]
    [InlineData("from=2026-03-02&to=2026-03-01")]
    [InlineData("rating=great")]
    [InlineData("before=-4")]
    [InlineData("before=x")]
    public async Task Filters_that_cannot_be_run_are_a_400_page_that_says_why(string query)
    {
        var (status, html) = await PageAsync($"/conversations?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("That search could not be run", html);
    }

    [Fact]
    public async Task Search_text_of_any_shape_is_a_page_never_an_error()
    {
        foreach (var q in new[] { "\"unclosed", "a & b | !c", "-", "(((", "' or 1=1 --", "日本語", new string('x', 200), "<b>bold</b>" })
        {
            var (status, html) = await PageAsync($"/conversations?q={Uri.EscapeDataString(q)}");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.DoesNotContain("<b>bold</b>", html);
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await PageAsync($"/conversations?q={new string('x', 201)}")).Status);
    }

    [Fact]
    public async Task A_taken_down_conversation_is_a_410_page_and_an_unknown_or_held_one_a_404()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        var id = await fixture.PublishAsync(contributor, Clients.SimpleConversation("explorer-gone", "goneword"));
        Assert.Equal(HttpStatusCode.OK, (await PageAsync($"/conversations/{id}")).Status);
        await fixture.DeleteAsync(contributor, id);
        await Eventually.True(async () => (await PageAsync($"/conversations/{id}")).Status == HttpStatusCode.Gone, TimeSpan.FromSeconds(20), "the take-down");
        var (_, gone) = await PageAsync($"/conversations/{id}");
        Assert.Contains("This conversation was removed", gone);
        Assert.DoesNotContain("goneword", gone);

        var held = Guid.Parse((string)(await fixture.Ingest.CaptureAsync(contributor, Clients.SimpleConversation("explorer-held", "heldword")))["id"]!);
        Assert.Equal(HttpStatusCode.NotFound, (await PageAsync($"/conversations/{held}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await PageAsync($"/conversations/{Guid.NewGuid()}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await PageAsync("/conversations/not-an-id")).Status);
        Assert.Empty(ResultIds((await PageAsync("/conversations?q=heldword")).Html));
    }

    [Fact]
    public async Task The_home_page_shows_totals_and_charts_of_the_public_collection()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        await fixture.PublishAsync(contributor, Conversation("home-1", "mistral-large", "up", ("user", "How do tides work on the open ocean?", null), ("assistant", "The moon pulls.", 1)));
        var stats = await Eventually.Get(async () =>
        {
            var s = System.Text.Json.Nodes.JsonNode.Parse(await Catalog.GetStringAsync("/v1/stats"))!;
            return (long)s["by_model"]!["mistral-large"]! > 0 ? s : null;
        }, TimeSpan.FromSeconds(30), "the stats");
        var (status, html) = await PageAsync("/");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<h1>", html);
        Assert.Contains(((long)stats["public_records"]!).ToString("N0", System.Globalization.CultureInfo.InvariantCulture), html);
        Assert.Equal(5, SvgCharts().Matches(html).Count);
        Assert.Contains("mistral-large", html);
        Assert.True((long)stats["by_response_rating"]!["1"]! >= 1);
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal((long)stats["by_day"]![today]!, (long)stats["by_day_and_source"]![today]!["sharelm-extension"]!);
        Assert.Contains("<main id=\"main\">", html);
        Assert.Contains("<link rel=\"stylesheet\" href=\"/explorer.css\">", html);
        Assert.Equal(HttpStatusCode.OK, (await Catalog.GetAsync("/explorer.css")).StatusCode);
    }

    [Fact]
    public async Task The_download_page_examples_run_against_this_catalog()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        await fixture.PublishAsync(contributor, Conversation("download-1", "gemini-1.5-pro", null, ("user", "What is a good name for a cat?", null), ("assistant", "Miso.", null)));
        var (status, html) = await PageAsync("/download");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<table>", html); // the dataset card, rendered
        var work = Directory.CreateTempSubdirectory("sharelm-download-");
        try
        {
            var feedLines = (await RunAsync("bash", Example(html, "example-curl"), work.FullName)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(File.Exists(Path.Combine(work.FullName, "sharelm.jsonl")));
            Assert.All(feedLines, line => Assert.StartsWith("{\"cursor\":", line));

            var python = await RunAsync("python3", Example(html, "example-python-feed"), work.FullName);
            var publicNow = (await Catalog.WholeFeedAsync()).Count(e => e.Op == "upsert");
            Assert.Matches($"^{publicNow} conversations as of cursor \\d+$", python.Trim());

            // DuckDB: the page's download step as written, its query through DuckDB's own engine (the .NET binding).
            var duckdb = Example(html, "example-duckdb").Split('\n');
            await RunAsync("bash", duckdb[0], work.FullName);
            var sql = DuckDbQuery().Match(duckdb[1]).Groups[1].Value;
            using var connection = new DuckDBConnection("Data Source=:memory:");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql.Replace("'sharelm.parquet'", $"'{Path.Combine(work.FullName, "sharelm.parquet")}'");
            using var reader = command.ExecuteReader();
            var counts = new Dictionary<string, long>();
            while (reader.Read()) counts[reader.GetString(0)] = reader.GetInt64(1);
            Assert.True(counts.GetValueOrDefault("gemini-1.5-pro") >= 1);

            // pandas as written on the page, in a Python that has it (test.sh installs Debian's).
            var pandas = await RunAsync(await PythonWithAsync("pandas"), Example(html, "example-pandas"), work.FullName);
            Assert.Matches(@"(?m)^gemini-1\.5-pro\s+[1-9]\d*$", pandas);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    static string Example(string html, string id)
    {
        var match = Regex.Match(html, $"<pre id=\"{id}\"[^>]*><code>(.*?)</code></pre>", RegexOptions.Singleline);
        Assert.True(match.Success, $"the page has no example {id}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    static async Task<string> PythonWithAsync(string module)
    {
        foreach (var python in new[] { "python3", "/usr/bin/python3" })
        {
            var info = new ProcessStartInfo(python, ["-c", $"import {module}"]) { RedirectStandardOutput = true, RedirectStandardError = true };
            try
            {
                using var process = Process.Start(info)!;
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
                if (process.ExitCode == 0) return python;
            }
            catch (System.ComponentModel.Win32Exception) { } // not on this machine
        }
        Assert.Fail($"No python3 here can import {module}: deploy/local/infra.sh install-test-tools installs Debian's.");
        return "";
    }

    static async Task<string> RunAsync(string program, string script, string directory)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-");
        if (program == "bash") info.ArgumentList[0] = "-s";
        using var process = Process.Start(info)!;
        await process.StandardInput.WriteAsync(script);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, $"{program} failed ({process.ExitCode}): {await error}");
        return await output;
    }

    /// <summary>The results of a search, once the indexer (every second) has made the vectors of what was just published.</summary>
    async Task<List<Guid>> ResultsOnceIndexedAsync(string path, int expected) =>
        await Eventually.Get(async () =>
        {
            var (status, html) = await PageAsync(path);
            Assert.Equal(HttpStatusCode.OK, status);
            var ids = ResultIds(html);
            return ids.Count >= expected ? ids : null;
        }, TimeSpan.FromSeconds(20), "the search index");

    internal static List<Guid> ResultIds(string html) =>
        [.. ResultLink().Matches(html).Select(m => Guid.Parse(m.Groups[1].Value))];

    [GeneratedRegex("<li>\\s*<a href=\"/conversations/([0-9a-f-]{36})\"")]
    private static partial Regex ResultLink();

    [GeneratedRegex("<svg role=\"img\"")]
    private static partial Regex SvgCharts();

    [GeneratedRegex("duckdb -c \"(.*)\"")]
    private static partial Regex DuckDbQuery();
}
