using ShareLM.Catalog.Snapshots;

namespace ShareLM.Catalog.Explorer;

/// <summary>A snapshot file as the download page shows it.</summary>
public sealed record SnapshotFile(Snapshot Snapshot, long Bytes);

/// <summary>One copy-paste example on the download page; <see cref="Id"/> is its element id (the tests run them from the page).</summary>
public sealed record DownloadExample(string Id, string Title, string Note, string Code);

/// <summary>
/// The download page's examples, written against the address the page was asked for, so that what a reader copies
/// runs against this Catalog as it is. The test suite runs every one whose tool it can install (all but `datasets`).
/// </summary>
public static class DownloadExamples
{
    public static IReadOnlyList<DownloadExample> For(string baseUrl) =>
    [
        new("example-curl", "Follow the feed with curl",
            "Download a snapshot, read the cursor it is consistent with, then ask for the changes after it (repeat with X-Next-Cursor).",
            $$"""
            curl -sS -D headers.txt -o sharelm.jsonl {{baseUrl}}/v1/dataset.jsonl
            cursor=$(grep -i '^x-feed-cursor:' headers.txt | tr -d '\r' | cut -d' ' -f2)
            curl -sS "{{baseUrl}}/v1/feed?after=$cursor&limit=1000"
            """),
        new("example-python-feed", "Follow the feed in Python (standard library only)",
            "Each line is an upsert (with the record) or a delete; apply them in order and keep the last cursor.",
            $$"""
            import json, urllib.request

            records, cursor = {}, 0
            while True:
                with urllib.request.urlopen(f"{{baseUrl}}/v1/feed?after={cursor}&limit=1000") as page:
                    changes = [json.loads(line) for line in page.read().decode("utf-8").splitlines() if line]
                    next_cursor = int(page.headers["X-Next-Cursor"])
                for change in changes:
                    if change["op"] == "upsert":
                        records[change["record"]["conversation_id"]] = change["record"]
                    else:
                        records.pop(change["conversation_id"], None)
                if next_cursor == cursor:
                    break
                cursor = next_cursor
            print(len(records), "conversations as of cursor", cursor)
            """),
        new("example-pandas", "Load the snapshot with pandas",
            $"pip install pandas. With pyarrow installed too, pd.read_parquet(\"{baseUrl}/v1/dataset.parquet\") reads the Parquet file, the smaller download.",
            $$"""
            import pandas as pd

            df = pd.read_json("{{baseUrl}}/v1/dataset.jsonl", lines=True)
            print(df.groupby("model_name").size().sort_values(ascending=False).head(10).to_string())
            """),
        new("example-duckdb", "Query the Parquet snapshot with DuckDB",
            "Download it once, then query it in place (duckdb's CLI, or duckdb in Python, R or .NET).",
            $$"""
            curl -sS -o sharelm.parquet {{baseUrl}}/v1/dataset.parquet
            duckdb -c "select model_name, count(*) as conversations from read_parquet('sharelm.parquet') group by model_name order by conversations desc"
            """),
        new("example-datasets", "Load it with Hugging Face datasets",
            "pip install datasets",
            $$"""
            from datasets import load_dataset

            dataset = load_dataset("parquet", data_files={"train": "{{baseUrl}}/v1/dataset.parquet"})["train"]
            print(dataset)
            """),
    ];
}
