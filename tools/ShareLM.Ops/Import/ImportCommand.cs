using System.CommandLine;
using ShareLM.Ops.Terminal;
using Spectre.Console;

namespace ShareLM.Ops.Import;

/// <summary><c>import &lt;format&gt; &lt;path&gt;</c>: bring an upstream dataset into the collection as already-public conversations.</summary>
public static class ImportCommand
{
    public static Command Build(Func<OpsContext> context)
    {
        var format = new Argument<string>("format") { Description = "sharelm, openai, sharegpt, lmsys, wildchat or hh-rlhf" };
        format.AcceptOnlyFromAmong([.. ImportFormats.All.Keys]);
        var path = new Argument<FileInfo>("path") { Description = "JSON Lines (optionally gzip-compressed) or Parquet" };
        var source = new Option<string?>("--source") { Description = "the dataset's name in the records' source field (default: per format)" };
        var rejects = new Option<string?>("--rejects") { Description = "where bad rows go (default: <path>.rejects.jsonl)" };
        var command = new Command("import", "Import an existing public chat dataset into the collection") { format, path, source, rejects };
        command.SetAction(async (parse, ct) =>
        {
            var file = parse.GetValue(path)!;
            if (!file.Exists)
            {
                Console.Error.WriteLine($"No such file: {file.FullName}");
                return 2;
            }
            await using var ops = context();
            var importer = new ConversationImporter(ops.Store, ops.Db);
            var summary = await ProgressDisplay.RunAsync($"importing {file.Name}", "rows", report =>
                importer.ImportAsync(parse.GetValue(format)!, file.FullName, parse.GetValue(source), parse.GetValue(rejects),
                    new Progress<ImportProgress>(p => report(p.Position, p.Length)), ct));
            AnsiConsole.MarkupLineInterpolated(
                $"imported {summary.Imported:N0}, skipped as duplicate {summary.Duplicates:N0}, rejected {summary.Rejected:N0} of {summary.Read:N0} rows in {summary.Elapsed.TotalSeconds:0.0}s ({summary.PerSecond:N0} conversations/s)");
            if (summary.Rejected > 0) AnsiConsole.MarkupLineInterpolated($"rejected rows and reasons: {summary.RejectsFile}");
            return 0;
        });
        return command;
    }
}
