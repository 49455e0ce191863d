using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using ShareLM.Catalog.Options;
using ShareLM.Catalog.Stats;

namespace ShareLM.Catalog.DatasetCard;

/// <summary>GET /v1/dataset-card: a Hugging Face style README for the live collection (YAML header with the features, then the numbers).</summary>
public static class DatasetCardEndpoint
{
    public static RouteGroupBuilder MapDatasetCard(this RouteGroupBuilder group)
    {
        group.MapGet("/dataset-card", async (StatsService stats, IOptions<CatalogOptions> settings, CancellationToken ct) =>
            Results.Text(Render(await stats.GetAsync(ct), settings.Value.Licence), "text/markdown", Encoding.UTF8))
            .Produces<string>(StatusCodes.Status200OK, "text/markdown").WithSummary("A dataset card (Markdown) for the current release");
        return group;
    }

    public static string Render(DatasetStats stats, string licence)
    {
        var card = new StringBuilder();
        card.AppendLine("---");
        card.AppendLine($"license: {licence}");
        card.AppendLine("pretty_name: ShareLM (live collection)");
        var languages = stats.ByLanguage.Keys.Where(l => l.Length == 2).ToList();
        if (languages.Count > 0)
        {
            card.AppendLine("language:");
            foreach (var l in languages) card.AppendLine($"- {l}");
        }
        card.AppendLine("task_categories:\n- text-generation\ntags:\n- conversational\n- human-feedback");
        card.AppendLine("dataset_info:");
        card.AppendLine("  features:");
        foreach (var line in Features) card.AppendLine("  " + line);
        card.AppendLine("  splits:\n  - name: train");
        card.AppendLine($"    num_examples: {stats.PublicRecords}");
        card.AppendLine("configs:\n- config_name: default\n  data_files:\n  - split: train\n    path: dataset.parquet");
        card.AppendLine("---");
        card.AppendLine();
        card.AppendLine("# ShareLM (live collection)");
        card.AppendLine();
        card.AppendLine("Conversations between people and language models, donated by their contributors through the ShareLM " +
                        "browser extension or unified from public chat datasets, in the ShareLM dataset schema.");
        card.AppendLine();
        card.AppendLine($"- Public conversations: **{stats.PublicRecords}** (feed cursor {stats.FeedCursor})");
        card.AppendLine($"- Held for their contributors' review: {stats.Totals.Held}; deleted by their contributors or taken down: {stats.Totals.Deleted}");
        card.AppendLine();
        Section(card, "Sources", "source", stats.BySource);
        Section(card, "Models", "model", stats.ByModel.Take(25));
        Section(card, "Languages", "language", stats.ByLanguage);
        card.AppendLine("## How to use it");
        card.AppendLine();
        card.AppendLine("- `GET /v1/dataset.parquet` or `GET /v1/dataset.jsonl`: the whole dataset, stamped with the feed cursor it matches (`X-Feed-Cursor`).");
        card.AppendLine("- `GET /v1/feed?after={cursor}`: every change since that cursor, one line each (`upsert` with the record, or `delete`).");
        card.AppendLine();
        card.AppendLine("## Deletions");
        card.AppendLine();
        card.AppendLine("Contributors can delete a conversation at any time, also after publication. A deletion removes the conversation " +
                        "from this dataset and from our store, and appears in the feed as a `delete` entry that is kept for good. " +
                        "If you mirror the dataset, follow the feed and drop every conversation it deletes; do not redistribute " +
                        "copies made before a deletion.");
        card.AppendLine();
        card.AppendLine("## Privacy");
        card.AppendLine();
        card.AppendLine("Every conversation is held for its contributor's review before publication. E-mail addresses, phone numbers, " +
                        "US social security numbers, IP and MAC addresses, payment card numbers, IBANs and secrets (API keys, tokens, " +
                        "private keys, passwords) are replaced by typed placeholders before storage (`conversation_metadata.redacted`). " +
                        "`user_id` is a keyed pseudonym that changes with each release; timestamps are to the hour; demographics are an " +
                        "age range, a gender from a short list and a country code.");
        card.AppendLine();
        card.AppendLine("## Licence");
        card.AppendLine();
        card.AppendLine($"Released under `{licence}`. Contributors agreed to the ShareLM terms of use and confirmed they are at least 18.");
        return card.ToString();
    }

    /// <param name="heading">What the first column holds (a table header is never empty: screen readers announce it).</param>
    static void Section(StringBuilder card, string title, string heading, IEnumerable<KeyValuePair<string, long>> counts)
    {
        card.AppendLine($"## {title}");
        card.AppendLine();
        card.AppendLine($"| {heading} | conversations |\n|---|---|");
        foreach (var (key, value) in counts) card.AppendLine($"| {(key.Length == 0 ? "(none)" : Cell(key))} | {value.ToString(CultureInfo.InvariantCulture)} |");
        card.AppendLine();
    }

    /// <summary>
    /// Text from the data (a model's name, a source) as one Markdown table cell: every character Markdown or HTML
    /// gives a meaning escaped, line breaks made spaces, so a name cannot add a link, an image, markup or a row.
    /// </summary>
    public static string Cell(string text)
    {
        var cell = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c is '\r' or '\n' || char.IsControl(c)) cell.Append(' ');
            else if (c is '\\' or '|' or '`' or '*' or '_' or '[' or ']' or '(' or ')' or '#' or '!' or '~' or '<' or '>' or '&' or '{' or '}' or ':') cell.Append('\\').Append(c);
            else cell.Append(c);
        }
        return cell.ToString();
    }

    static readonly string[] Features =
    [
        "- name: conversation_id",
        "  dtype: string",
        "- name: conversation",
        "  list:",
        "  - name: content",
        "    dtype: string",
        "  - name: role",
        "    dtype: string",
        "- name: model_name",
        "  dtype: string",
        "- name: user_id",
        "  dtype: string",
        "- name: timestamp",
        "  dtype: string",
        "- name: source",
        "  dtype: string",
        "- name: user_metadata",
        "  struct:",
        "  - name: location",
        "    dtype: string",
        "  - name: age",
        "    dtype: string",
        "  - name: gender",
        "    dtype: string",
        "- name: conversation_metadata",
        "  struct:",
        "  - name: rate",
        "    dtype: string",
        "  - name: language",
        "    dtype: string",
        "  - name: redacted",
        "    dtype: string",
        "  - name: toxic",
        "    dtype: string",
        "  - name: title",
        "    dtype: string",
        "  - name: custom_instruction",
        "    dtype: string",
        "  - name: status",
        "    dtype: string",
        "  - name: message_ratings",
        "    sequence: int32",
        "- name: schema_version",
        "  dtype: int32",
    ];
}
