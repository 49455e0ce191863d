using ShareLM.Conversations;
using ShareLM.Events;
using ShareLM.Ingest.Capture;
using ShareLM.Ingest.Legacy;

namespace ShareLM.Ingest.Tests;

public sealed class ValidationTests
{
    static CaptureRequest Valid(List<CapturedMessage>? messages = null, string? id = "c-1") =>
        new(id, "https://chatgpt.com/c/1", null, messages ?? [new("user", "hi there", null), new("assistant", "hello", 1)], "up", null);

    [Fact]
    public void A_valid_capture_is_normalized_redacted_and_attributed()
    {
        var request = Valid([new("user", "mail me at someone@example.com", null), new("assistant", "ok", -1), new("system", "be nice", null)]);
        var (conversation, failure) = ConversationRules.Normalize(request);
        Assert.Null(failure);
        Assert.Equal("chatgpt", conversation!.Model);
        Assert.True(conversation.Redacted);
        Assert.Equal("mail me at [EMAIL]", conversation.Turns[0].Content);
        Assert.Equal(-1, conversation.Turns[1].Rating);
        Assert.Equal("system", conversation.Turns[2].Role);
        Assert.Equal(64, conversation.ContentHash.Length);
    }

    public static TheoryData<CaptureRequest, string> Invalid() => new()
    {
        { Valid(id: null), "conversationId" },
        { Valid(id: ""), "conversationId" },
        { Valid(id: new string('x', 129)), "conversationId" },
        { Valid(id: "a\u0000b"), "conversationId" },
        { Valid([]), "messages" },
        { Valid([new("robot", "hi", null)]), "messages[0].role" },
        { Valid([new("user", "", null)]), "messages[0].content" },
        { Valid([new("user", "   ", null)]), "messages[0].content" },
        { Valid([new("user", null, null)]), "messages[0].content" },
        { Valid([new("user", "bell\u0007", null)]), "messages[0].content" },
        { Valid([new("user", "hi", 1)]), "messages[0].rating" },
        { Valid([new("user", "hi", null), new("assistant", "x", 2)]), "messages[1].rating" },
        { Valid([.. Enumerable.Repeat(new CapturedMessage("user", "x", null), 1001)]), "messages" },
        { Valid() with { Rating = "meh" }, "rating" },
        { Valid() with { PageUrl = "not a url" }, "pageUrl" },
        { Valid() with { Model = new string('m', 201) }, "model" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_captures_name_the_offending_field(CaptureRequest request, string field)
    {
        var (conversation, failure) = ConversationRules.Normalize(request);
        Assert.Null(conversation);
        Assert.Equal(field, failure!.Field);
    }

    [Fact]
    public void Tabs_and_newlines_are_allowed()
    {
        var (_, failure) = ConversationRules.Normalize(Valid([new("user", "line 1\n\tline 2\r\n", null)]));
        Assert.Null(failure);
    }

    [Fact]
    public void The_same_content_hashes_the_same_and_a_rating_change_does_not()
    {
        var a = ConversationRules.Normalize(Valid()).Conversation!;
        var b = ConversationRules.Normalize(Valid()).Conversation!;
        var c = ConversationRules.Normalize(Valid([new("user", "hi there", null), new("assistant", "hello", 0)])).Conversation!;
        Assert.Equal(a.ContentHash, b.ContentHash);
        Assert.NotEqual(a.ContentHash, c.ContentHash);
    }

    [Fact]
    public void The_content_hash_of_a_conversation_never_changes_between_versions()
    {
        // Stored hashes decide whether a re-send is identical: a different hash for the same content would turn
        // every re-send of an earlier conversation into a revision. Pinned to the value the first version gave.
        Turn[] turns =
        [
            new("user", "Quotes \"here\", <tags> & ampersands, é ü 日本語 🙂, tabs\tand\nnewlines", null),
            new("assistant", string.Concat(Enumerable.Repeat("a long answer that outgrows any first buffer. ", 800)), 1),
            new("user", "short", null),
        ];
        Assert.Equal("9c239493af2db6785259f8b0b5e15aa1089dc162c9df7eea613a3c6485e7a495", ContentHash.Of("https://chatgpt.com/c/1", "gpt-4o", turns, "up"));
        Assert.Equal("a159876128a464e72e6456b6c05511976778882e38038e0cdac2a58d7c5fe3eb", ContentHash.Of(null, "unknown", [new("user", "hi", null)], null));
    }

    [Fact]
    public void Legacy_turns_interleave_user_first_with_ratings_on_bot_turns()
    {
        var upload = new LegacyUpload("conv", ["u1", "u2", "u3"], ["b1", "b2"], "https://huggingface.co/chat/", "browser-1",
            new LegacyUserMetadata("30", null, "IL"), "2024-05-03T10:11:12.345Z", new LegacyConversationMetadata([1, -1], "thumbdown"));
        var (request, failure) = LegacyUploadEndpoint.Translate(upload);
        Assert.Null(failure);
        Assert.Equal(["user", "assistant", "user", "assistant", "user"], request!.Messages!.Select(m => m.Role!));
        Assert.Equal(["u1", "b1", "u2", "b2", "u3"], request.Messages!.Select(m => m.Content!));
        Assert.Equal([null, 1, null, -1, null], request.Messages!.Select(m => m.Rating));
        Assert.Equal(Vocabulary.RatingDown, request.Rating);
    }

    [Fact]
    public void Legacy_ratings_beyond_the_bot_turns_are_refused()
    {
        var upload = new LegacyUpload("conv", ["u1"], ["b1"], null, "browser-1", null, null, new LegacyConversationMetadata([1, 1], null));
        Assert.Equal("conversation_metadata.message_ratings", LegacyUploadEndpoint.Translate(upload).Failure!.Field);
    }

    [Fact]
    public void Conversation_ids_are_uuid_v5()
    {
        // RFC 4122 appendix: the DNS namespace and "www.example.com".
        var dns = Guid.Parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
        Assert.Equal(Guid.Parse("2ed6657d-e927-568b-95e1-2665a8aea6a2"), ConversationIds.Uuid5(dns, "www.example.com"));
        var contributor = Guid.NewGuid();
        Assert.Equal(ConversationIds.ForContribution(contributor, "x"), ConversationIds.ForContribution(contributor, "x"));
        Assert.NotEqual(ConversationIds.ForContribution(contributor, "x"), ConversationIds.ForContribution(Guid.NewGuid(), "x"));
    }
}
