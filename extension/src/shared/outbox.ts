// The outbox: every send waits here, in chrome.storage.local, until the gateway acknowledged it. It survives
// service-worker and browser restarts, coalesces sends of one conversation (the latest wins), backs off on
// failures and honours Retry-After. Pure logic over a store and a clock, so that it is tested without a browser.

export type SendKind = "capture" | "rating";

export interface OutboxEntry {
  /** One entry per (kind, conversation): a newer send of the same replaces it. */
  key: string;
  kind: SendKind;
  /** The client conversation id (captures) or the gateway's conversation id (ratings). */
  conversation: string;
  body: unknown;
  attempts: number;
  /** Unix ms before which it is not tried again. */
  notBefore: number;
  /** The last failure, shown in the popup. */
  lastError?: string;
}

export interface GatewayAnswer {
  status: number;
  /** Seconds, from a Retry-After header. */
  retryAfter?: number;
  /** The problem's detail (RFC 7807), or the network error. */
  detail?: string;
  /** The gateway's id of the conversation, from a 202. */
  id?: string;
}

export interface Outcome {
  sent: OutboxEntry[];
  /** Refused for good (4xx other than 401, 409, 410, 429): shown, not retried. */
  refused: { entry: OutboxEntry; detail: string }[];
  /** The contributor deleted it (410): stop sending it. */
  gone: OutboxEntry[];
  /** The token was refused (401): back to onboarding; nothing more is tried. */
  unauthorized: boolean;
}

export const MaxBackoffMs = 10 * 60_000;
export const FirstBackoffMs = 2_000;
/** A rating sent before its conversation's capture landed (404) is tried again this many times. */
export const MaxRatingWaits = 5;

export function keyOf(kind: SendKind, conversation: string): string {
  return `${kind}:${conversation}`;
}

/** Adds a send, replacing an unsent one of the same conversation (its attempts start over). */
export function enqueue(entries: readonly OutboxEntry[], kind: SendKind, conversation: string, body: unknown, now: number): OutboxEntry[] {
  const key = keyOf(kind, conversation);
  return [...entries.filter((e) => e.key !== key), { key, kind, conversation, body, attempts: 0, notBefore: now }];
}

export function due(entries: readonly OutboxEntry[], now: number): OutboxEntry[] {
  return entries.filter((e) => e.notBefore <= now);
}

/** When to try again after <paramref name="attempts"/> failures: exponential, capped, with a little jitter. */
export function backoff(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(MaxBackoffMs, FirstBackoffMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * Sends every due entry (one at a time, oldest first) and returns the outbox after it, with what happened. An
 * entry leaves the outbox only when the gateway acknowledged it (2xx), refused it for good, or said it is gone.
 * An entry replaced while it was being sent (a newer send of the same conversation) is kept in its new form.
 */
export async function drain(load: () => Promise<OutboxEntry[]>, save: (entries: OutboxEntry[]) => Promise<void>,
  send: (entry: OutboxEntry) => Promise<GatewayAnswer>, now: () => number, random: () => number = Math.random): Promise<Outcome> {
  const outcome: Outcome = { sent: [], refused: [], gone: [], unauthorized: false };
  // Captures first: a rating of a conversation whose capture waits here would find nothing yet.
  const order = (e: OutboxEntry) => (e.kind === "capture" ? 0 : 1);
  const pending = due(await load(), now()).sort((a, b) => order(a) - order(b) || a.notBefore - b.notBefore);
  for (const entry of pending) {
    const answer = await send(entry);
    const settle = async (update: (e: OutboxEntry) => OutboxEntry | undefined) => {
      const current = await load();
      const next: OutboxEntry[] = [];
      for (const e of current) {
        // Replaced meanwhile (another send of the same conversation): the new one stays as it is.
        if (e.key !== entry.key || e.body !== entry.body && JSON.stringify(e.body) !== JSON.stringify(entry.body)) { next.push(e); continue; }
        const updated = update(e);
        if (updated) next.push(updated);
      }
      await save(next);
    };
    if (answer.status >= 200 && answer.status < 300) {
      outcome.sent.push(entry);
      await settle(() => undefined);
    } else if (answer.status === 401) {
      outcome.unauthorized = true;
      await settle((e) => ({ ...e, lastError: "The gateway no longer knows this browser: sign up again." }));
      break;
    } else if (answer.status === 410) {
      outcome.gone.push(entry);
      await settle(() => undefined);
    } else if (answer.status === 429 || answer.status === 503 || answer.status === 409 || answer.status >= 500 || answer.status === 0
      || answer.status === 404 && entry.kind === "rating" && entry.attempts < MaxRatingWaits) {
      const wait = answer.retryAfter !== undefined && (answer.status === 429 || answer.status === 503)
        ? answer.retryAfter * 1000
        : backoff(entry.attempts + 1, random);
      await settle((e) => ({ ...e, attempts: e.attempts + 1, notBefore: now() + wait, lastError: answer.detail ?? `HTTP ${answer.status}` }));
    } else {
      outcome.refused.push({ entry, detail: answer.detail ?? `HTTP ${answer.status}` });
      await settle(() => undefined);
    }
  }
  return outcome;
}

/** When the next entry is due (for the alarm), or undefined when the outbox is empty. */
export function nextDue(entries: readonly OutboxEntry[]): number | undefined {
  return entries.length === 0 ? undefined : Math.min(...entries.map((e) => e.notBefore));
}
