using System.CommandLine;
using MassTransit;
using ShareLM.Messages;
using ShareLM.ServiceDefaults.Messaging;
using Spectre.Console;

namespace ShareLM.Ops.Holds;

/// <summary><c>holds reconcile [--dry-run]</c>: asks Retention to find held conversations whose schedule is missing or overdue and schedule them again.</summary>
public static class HoldCommands
{
    public static Command Build(Func<OpsContext> context)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "report only" };
        var reconcile = new Command("reconcile", "Find held conversations whose schedule is missing or overdue, and schedule them again") { dryRun };
        reconcile.SetAction(async (parse, ct) =>
        {
            await using var ops = context();
            var bus = await ops.BusAsync(ct);
            var client = bus.CreateRequestClient<ReconcileHolds>(QueueNames.Address(QueueNames.RetentionOperations), RequestTimeout.After(m: 5));
            var response = await AnsiConsole.Status().StartAsync("Retention is reconciling holds",
                _ => client.GetResponse<HoldsReconciled>(new ReconcileHolds(Guid.NewGuid(), parse.GetValue(dryRun)), ct));
            var report = response.Message;
            AnsiConsole.MarkupLineInterpolated($"held: {report.Held:N0}; scheduled: {report.Scheduled:N0}; missing: {report.Missing:N0}; overdue: {report.Overdue:N0}; rescheduled: {report.Rescheduled:N0}; stalled erasures: {report.StalledErasures:N0}{(parse.GetValue(dryRun) ? " (dry run)" : "")}");
            foreach (var id in report.Conversations.Take(50)) Console.WriteLine($"  {id}");
            return 0;
        });
        return new Command("holds", "The holds of conversations awaiting publication") { reconcile };
    }
}
