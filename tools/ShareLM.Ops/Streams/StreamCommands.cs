using System.CommandLine;
using System.Text.Json;
using JasperFx.Events;
using Marten;
using MassTransit;
using ShareLM.Ingest.Relay;
using ShareLM.Ops.Terminal;
using Spectre.Console;

namespace ShareLM.Ops.Streams;

/// <summary>
/// <c>streams show &lt;id&gt;</c>: the events of one conversation. <c>streams republish</c>: emit the integration
/// messages of one stream's events, or of a range of the global sequence, onto the bus again (consumers
/// decide from current state, so a duplicate changes nothing).
/// </summary>
public static class StreamCommands
{
    static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    static readonly JsonSerializerOptions Compact = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Build(Func<OpsContext> context)
    {
        var id = new Argument<Guid>("id") { Description = "conversation (stream) id" };
        var json = new Option<bool>("--json") { Description = "print the events as JSON lines, content in full" };
        var show = new Command("show", "Show the events of one conversation (content appears masked after erasure)") { id, json };
        show.SetAction(async (parse, ct) =>
        {
            await using var ops = context();
            return await ShowAsync(ops, parse.GetValue(id), parse.GetValue(json), ct);
        });

        var republishId = new Argument<Guid?>("id") { Description = "conversation (stream) id", Arity = ArgumentArity.ZeroOrOne };
        var from = new Option<long?>("--from-sequence") { Description = "first global sequence number" };
        var to = new Option<long?>("--to-sequence") { Description = "last global sequence number (default: the head)" };
        var republish = new Command("republish", "Emit the integration messages for events onto the bus again") { republishId, from, to };
        republish.Validators.Add(result =>
        {
            if (result.GetValue(republishId) is null && result.GetValue(from) is null)
                result.AddError("Give a conversation id or --from-sequence.");
        });
        republish.SetAction(async (parse, ct) =>
        {
            await using var ops = context();
            return await RepublishAsync(ops, parse.GetValue(republishId), parse.GetValue(from), parse.GetValue(to), ct);
        });
        return new Command("streams", "Conversation event streams") { show, republish };
    }

    static async Task<int> ShowAsync(OpsContext ops, Guid id, bool asJson, CancellationToken ct)
    {
        await using var session = ops.Store.QuerySession();
        var events = await session.Events.FetchStreamAsync(id, token: ct);
        if (events.Count == 0)
        {
            Console.Error.WriteLine($"No stream {id}.");
            return 1;
        }
        if (asJson)
        {
            foreach (var e in events)
                Console.WriteLine(JsonSerializer.Serialize(new { type = e.EventTypeName, version = e.Version, sequence = e.Sequence, timestamp = e.Timestamp, data = e.Data, headers = e.Headers }, Compact));
            return 0;
        }
        // One block per event: a header line, then its data; plain text reads the same in a terminal and in a log.
        foreach (var e in events)
        {
            AnsiConsole.MarkupLineInterpolated($"[bold]v{e.Version}[/]  seq {e.Sequence}  {e.Timestamp:u}  [bold]{e.EventTypeName}[/]");
            Console.WriteLine(JsonSerializer.Serialize(e.Data, Indented));
        }
        return 0;
    }

    static async Task<int> RepublishAsync(OpsContext ops, Guid? id, long? from, long? to, CancellationToken ct)
    {
        var bus = await ops.BusAsync(ct);
        await using var session = ops.Store.QuerySession();
        IReadOnlyList<IEvent> events;
        if (id is { } stream)
        {
            events = await session.Events.FetchStreamAsync(stream, token: ct);
        }
        else
        {
            var last = to ?? long.MaxValue;
            events = await session.Events.QueryAllRawEvents().Where(e => e.Sequence >= from!.Value && e.Sequence <= last)
                .OrderBy(e => e.Sequence).ToListAsync(ct);
        }
        var sent = await ProgressDisplay.RunAsync("republishing", "messages", async report =>
        {
            long done = 0, published = 0;
            // The relay's own grouping: captures, revisions and ratings go a hundred holds to a message.
            foreach (var message in RelayedMessage.Of(events))
            {
                await bus.Publish(message.Body, message.Body.GetType(), c =>
                {
                    c.MessageId = message.MessageId;
                    if (message.CorrelationId is { } correlation) c.CorrelationId = correlation;
                }, ct);
                published++;
                // Events come in sequence order; those up to this message's last are done.
                while (done < events.Count && events[(int)done].Sequence <= message.Events[^1].Sequence) done++;
                report(done, events.Count);
            }
            report(events.Count, events.Count);
            return published;
        });
        AnsiConsole.MarkupLineInterpolated($"republished {sent:N0} messages for {events.Count:N0} events");
        return 0;
    }
}
