// Messages from content scripts and extension pages to the service worker, the only place that talks to the gateway.

import type { Role } from "../content/adapters.js";
import type { Demographics } from "./state.js";

export interface CapturedTurn { role: Role; content: string; rating?: number }

export type Request =
  | { type: "status"; origin: string }
  | { type: "capture"; adapter: string; clientId: string; pageUrl: string; model?: string; turns: CapturedTurn[] }
  | { type: "rate-turn"; clientId: string; index: number; rating: number }
  | { type: "rate-conversation"; id: string; rating: "up" | "down" }
  | { type: "register"; demographics: Demographics }
  | { type: "list" }
  | { type: "publish"; id: string }
  | { type: "delete"; id: string }
  | { type: "export" }
  | { type: "rotate-token" }
  | { type: "delete-account" }
  | { type: "page-state"; state: "sharing" | "paused" | "unsupported" };

export interface PageStatus {
  /** Capture on this page: consent given, not paused, site on. */
  sharing: boolean;
  reason?: "no-consent" | "paused" | "site-off";
  addedSites: string[];
  ratings: Record<string, Record<number, number>>;
}

export interface Answer<T = unknown> { ok: boolean; status?: number; detail?: string; data?: T }

export function ask<T = unknown>(request: Request): Promise<Answer<T>> {
  return chrome.runtime.sendMessage(request) as Promise<Answer<T>>;
}
