import type { Turn } from "./extract.js";

/** What the content script remembers of the conversation it is watching on a page without an id of its own. */
export interface TrackedConversation {
  id: string;
  /** A fingerprint of the first turn: a page whose first turn changed holds another conversation. */
  firstTurn: string;
}

/** A short, stable fingerprint of a turn (FNV-1a over role and text); not a secret, only a comparison. */
export function fingerprint(turn: Turn): string {
  let hash = 0x811c9dc5;
  const text = `${turn.role}\u0000${turn.content}`;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/**
 * The client conversation id to send for what the page shows now. The platform's own id wins where its URL has
 * one (the same chat opened again, in any tab, is the same conversation). Otherwise the id made for this page's
 * conversation is kept while its first turn stays the same; a page whose first turn changed, or that was
 * emptied (a new chat in the same tab), gets a new one.
 */
export function identify(adapterId: string, turns: readonly Turn[], platformId: string | undefined,
  tracked: TrackedConversation | undefined, makeId: () => string): TrackedConversation | undefined {
  if (turns.length === 0) return undefined;
  const first = fingerprint(turns[0]);
  if (platformId) return { id: `${adapterId}:${platformId}`, firstTurn: first };
  if (tracked && tracked.firstTurn === first) return tracked;
  return { id: `${adapterId}:${makeId()}`, firstTurn: first };
}
