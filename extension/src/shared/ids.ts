// The gateway's id of a contributed conversation is a UUIDv5 of (contributor id, client conversation id)
// (services/ShareLM.Ingest: ConversationIds.ForContribution): the extension computes the same, so a rating or a
// deletion can be sent for a conversation whose capture is still in the outbox.

function uuidBytes(uuid: string): Uint8Array {
  const hex = uuid.replace(/-/g, "");
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

function uuidString(bytes: Uint8Array): string {
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** RFC 4122 §4.3 name-based UUID with SHA-1 (version 5). */
export async function uuid5(namespace: string, name: string): Promise<string> {
  const ns = uuidBytes(namespace);
  const text = new TextEncoder().encode(name);
  const input = new Uint8Array(ns.length + text.length);
  input.set(ns);
  input.set(text, ns.length);
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-1", input)).slice(0, 16);
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  return uuidString(hash);
}

export function conversationIdFor(contributorId: string, clientConversationId: string): Promise<string> {
  return uuid5(contributorId, clientConversationId);
}
