using Markdig;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ShareLM.Catalog.DatasetCard;
using ShareLM.Catalog.Options;
using ShareLM.Catalog.Search;
using ShareLM.Catalog.Snapshots;
using ShareLM.Catalog.Stats;

namespace ShareLM.Catalog.Explorer;

/// <summary>
/// The explorer: the public dataset as web pages (Razor components rendered on the server, no client framework).
/// Every page reads only the public feed and the stats made from it. Pages are not part of the API description.
/// </summary>
public static class ExplorerEndpoints
{
    static readonly MarkdownPipeline Card = new MarkdownPipelineBuilder().UsePipeTables().DisableHtml().Build();

    public static WebApplication MapExplorer(this WebApplication app)
    {
        var pages = app.MapGroup("").ExcludeFromDescription();
        pages.MapGet("/", HomeAsync);
        pages.MapGet("/conversations", BrowseAsync);
        pages.MapGet("/conversations/{id}", ConversationAsync);
        pages.MapGet("/download", DownloadAsync);
        pages.MapGet("/explorer.css", () => Asset("explorer.css", "text/css; charset=utf-8"));
        pages.MapGet("/explorer.js", () => Asset("explorer.js", "text/javascript; charset=utf-8"));
        return app;
    }

    static async Task<RazorComponentResult> HomeAsync(StatsService stats, CancellationToken ct) =>
        new RazorComponentResult<HomePage>(new { Stats = await stats.GetAsync(ct) });

    static async Task<RazorComponentResult> BrowseAsync(HttpRequest request, StatsService stats, ExplorerQueries queries, SearchIndexer search,
        CancellationToken ct)
    {
        var query = BrowseQuery.Parse(request.Query);
        var current = await stats.GetAsync(ct);
        if (query.Errors.Count > 0)
            return new RazorComponentResult<BrowsePage>(new { Query = query, Stats = current }) { StatusCode = StatusCodes.Status400BadRequest };
        var backlog = query.Search is null ? 0 : await search.BacklogAsync(ct);
        return new RazorComponentResult<BrowsePage>(new { Query = query, Page = await queries.BrowseAsync(query, ct), Stats = current, SearchBacklog = backlog });
    }

    static async Task<RazorComponentResult> ConversationAsync(string id, HttpResponse response, ExplorerQueries queries, CancellationToken ct)
    {
        // Asked again every time: a conversation can be taken down at any moment.
        response.Headers.CacheControl = "no-cache";
        var stored = Guid.TryParse(id, out var conversationId) ? await queries.ConversationAsync(conversationId, ct) : new StoredConversation.Unknown();
        return stored switch
        {
            StoredConversation.Public p => new RazorComponentResult<ConversationPage>(new { p.Record, p.Json }),
            var other => MessagePage.NotPublic(other),
        };
    }

    static async Task<RazorComponentResult> DownloadAsync(HttpRequest request, StatsService stats, SnapshotStore snapshots, IOptions<CatalogOptions> settings,
        CancellationToken ct)
    {
        var current = await stats.GetAsync(ct);
        async Task<SnapshotFile?> FileOf(SnapshotFormat format) =>
            await snapshots.LatestAsync(format, ct) is { } s && new FileInfo(s.Path) is { Exists: true } file ? new SnapshotFile(s, file.Length) : null;
        IReadOnlyList<(string, string, SnapshotFile?)> files =
        [
            ("JSON lines", "/v1/dataset.jsonl", await FileOf(SnapshotFormat.Jsonl)),
            ("Parquet", "/v1/dataset.parquet", await FileOf(SnapshotFormat.Parquet)),
        ];
        var baseUrl = $"{request.Scheme}://{request.Host}{request.PathBase}";
        return new RazorComponentResult<DownloadPage>(new
        {
            Snapshots = files,
            Cursor = current.FeedCursor,
            Examples = DownloadExamples.For(baseUrl),
            CardHtml = Markdown.ToHtml(DatasetCardEndpoint.Render(current, settings.Value.Licence), Card),
        });
    }

    static IResult Asset(string name, string contentType)
    {
        var stream = typeof(ExplorerEndpoints).Assembly.GetManifestResourceStream($"ShareLM.Catalog.Explorer.{name}")
            ?? throw new InvalidOperationException($"The explorer asset {name} is not embedded.");
        return Results.Stream(stream, contentType);
    }
}
