namespace ShareLM.Ingest.Tests;

/// <summary>An account deletion cut short after its mark (the gateway died) is finished by the gateway itself.</summary>
public sealed class AccountDeletionTests(AccountDeletionFixture fixture) : IClassFixture<AccountDeletionFixture>
{
    [Fact]
    public async Task An_account_deletion_left_unfinished_is_finished()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++) ids.Add(Guid.Parse((string)(await fixture.Ingest.CaptureAsync(contributor, Clients.SimpleConversation($"unfinished-{i}")))["id"]!));
        // What DELETE /v1/me had committed when the process died: the mark, and nothing withdrawn yet.
        await fixture.ScalarAsync("""
            with marked as (
              update sharelm.mt_doc_contributor
                 set data = jsonb_set(jsonb_set(data, '{deletingSince}', to_jsonb(now() - interval '10 seconds')), '{tokenHash}', to_jsonb('deleting:' || id::text))
               where id = $1 returning 1)
            select count(*) from marked
            """, contributor.Id);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await fixture.Ingest.SendAsync(contributor, HttpMethod.Get, "/v1/conversations")).StatusCode);

        await Eventually.True(async () => await fixture.ScalarAsync("select count(*) from sharelm.mt_doc_contributor where id = $1", contributor.Id) == 0,
            TimeSpan.FromSeconds(30), "the account record to go");
        foreach (var id in ids) Assert.Equal("deletion_requested", (await fixture.EventsAsync(id))[^1].Type);
    }
}
