namespace ShareLM.Messages;

// The public bus API for mirrors: published on the conversation's way into and out of the public collection.
// Nothing in ShareLM consumes them; a mirror binds a queue of its own to their exchanges (docs/bus-api.md), and
// a test does so to hold them to their word.

/// <summary>A revision joined the public collection.</summary>
public sealed record ConversationMadePublic(Guid ConversationId, int Revision, string Reason, long EventSequence, DateTimeOffset PublishedAt);

/// <summary>The conversation was erased; drop it if you hold it.</summary>
public sealed record ConversationTakenDown(Guid ConversationId, bool WasPublic, long EventSequence, DateTimeOffset DeletedAt);
