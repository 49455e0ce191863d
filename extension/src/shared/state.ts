// What the extension keeps in chrome.storage.local, in one place. The token never leaves the service worker
// and extension pages: content scripts ask the service worker for what they need (sharing or not), never the token.

import type { OutboxEntry } from "./outbox.js";

export const TermsVersion = "2026-12";

export interface Demographics {
  age?: string;
  gender?: string;
  country?: string;
}

export interface Ratings {
  conversation?: "up" | "down";
  /** −1, 0 or +1 by turn index. */
  turns: Record<number, number>;
}

export interface Problem {
  at: number;
  conversation: string;
  detail: string;
}

export interface Stored {
  gateway?: string;
  token?: string;
  contributorId?: string;
  termsVersion?: string;
  demographics?: Demographics;
  paused?: boolean;
  /** Adapters (by id) and added hosts the contributor turned off. */
  sitesOff?: string[];
  /** Self-hosted Gradio or ChatUI sites the contributor added, as origins ("https://chat.example.org"). */
  addedSites?: string[];
  outbox?: OutboxEntry[];
  /** Client conversation id → title (its first user turn), shown in the popup; kept only here. */
  titles?: Record<string, string>;
  /** Gateway id → client conversation id. */
  clientIds?: Record<string, string>;
  /** Client conversation ids the contributor deleted (a 410, or deleted from the popup): never sent again. */
  gone?: string[];
  ratings?: Record<string, Ratings>;
  problems?: Problem[];
  heldCount?: number;
}

export async function read(): Promise<Stored> {
  return (await chrome.storage.local.get(null)) as Stored;
}

export async function write(values: Partial<Stored>): Promise<void> {
  await chrome.storage.local.set(values);
}

/** The gateway the build was made for, unless the contributor set another in the options. */
declare const BUILD_GATEWAY_URL: string;

export function gatewayOf(stored: Stored): string {
  return (stored.gateway || BUILD_GATEWAY_URL).replace(/\/+$/, "");
}
