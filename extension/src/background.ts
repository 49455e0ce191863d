// The service worker: the only part of the extension that talks to the gateway. Content scripts hand it what
// they captured; it keeps every send in the outbox until the gateway acknowledged it, drains the outbox now and
// again later by chrome.alarms (never setInterval: MV3 stops idle workers), and answers the popup and options.

import { adapterById, adapters, hostMatches } from "./content/adapters.js";
import { conversationIdFor } from "./shared/ids.js";
import type { Answer, CapturedTurn, PageStatus, Request } from "./shared/messages.js";
import { drain, enqueue, nextDue, type GatewayAnswer, type OutboxEntry } from "./shared/outbox.js";
import { gatewayOf, read, TermsVersion, write, type Stored } from "./shared/state.js";

const DrainAlarm = "sharelm-drain";
const MaxProblems = 20;

async function call(method: string, path: string, body?: unknown, stored?: Stored): Promise<GatewayAnswer & { json?: unknown }> {
  const s = stored ?? (await read());
  const headers: Record<string, string> = {};
  if (s.token) headers.authorization = `Bearer ${s.token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  try {
    const response = await fetch(`${gatewayOf(s)}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    let json: unknown;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
    const retry = Number(response.headers.get("retry-after"));
    const detail = (json as { detail?: string; title?: string } | undefined)?.detail ?? (json as { title?: string } | undefined)?.title;
    return {
      status: response.status,
      retryAfter: Number.isFinite(retry) && retry > 0 ? retry : undefined,
      detail: response.ok ? undefined : detail ?? `HTTP ${response.status}`,
      id: (json as { id?: string } | undefined)?.id,
      json,
    };
  } catch (e) {
    return { status: 0, detail: `The gateway could not be reached (${(e as Error).message}).` };
  }
}

async function sendEntry(entry: OutboxEntry): Promise<GatewayAnswer> {
  if (entry.kind === "capture") return call("POST", "/v1/conversations", entry.body);
  return call("PUT", `/v1/conversations/${entry.conversation}/rating`, entry.body);
}

let draining: Promise<void> | undefined;

/** Sends what is due; one drain at a time (a second request waits for the first and runs after it). */
async function drainOutbox(): Promise<void> {
  const previous = draining;
  const run = (async () => {
    await previous;
    const stored = await read();
    if (!stored.token) return;
    const outcome = await drain(
      async () => (await read()).outbox ?? [],
      async (entries) => write({ outbox: entries }),
      sendEntry,
      () => Date.now());
    const after = await read();
    const gone = new Set(after.gone ?? []);
    for (const entry of outcome.gone) if (entry.kind === "capture") gone.add(entry.conversation);
    const problems = [...(after.problems ?? []), ...outcome.refused.map((r) => ({ at: Date.now(), conversation: r.entry.conversation, detail: r.detail }))]
      .slice(-MaxProblems);
    await write({ gone: [...gone], problems });
    if (outcome.unauthorized) await signedOut();
    if (outcome.sent.some((e) => e.kind === "capture")) await refreshHeldCount();
    await scheduleDrain();
  })();
  draining = run.catch(() => undefined);
  return run;
}

async function scheduleDrain(): Promise<void> {
  const next = nextDue((await read()).outbox ?? []);
  if (next === undefined) {
    await chrome.alarms.clear(DrainAlarm);
    return;
  }
  await chrome.alarms.create(DrainAlarm, { when: Math.max(next, Date.now() + 1_000) });
}

async function signedOut(): Promise<void> {
  await chrome.storage.local.remove(["token", "contributorId"]);
  await openOnboarding();
}

async function openOnboarding(): Promise<void> {
  await chrome.tabs.create({ url: chrome.runtime.getURL("onboarding.html") });
}

type TabState = "sharing" | "paused" | "unsupported";

/**
 * The toolbar icon: on a tab where it is sharing, the number of conversations held (blue); paused there, "off"
 * (grey); elsewhere nothing, and the title says which. Each tab's state is kept in session storage (a restarted
 * worker still knows it), so a new held count reaches every sharing tab.
 */
async function paintBadge(tabId: number, state: TabState, held: number): Promise<void> {
  const text = state === "sharing" ? (held > 0 ? String(held) : "") : state === "paused" ? "off" : "";
  const title = state === "sharing" ? `ShareLM: sharing this chat${held > 0 ? ` (${held} held)` : ""}`
    : state === "paused" ? "ShareLM: paused" : "ShareLM: not a supported page";
  try {
    await chrome.action.setBadgeBackgroundColor({ tabId, color: state === "paused" ? "#718096" : "#2b6cb0" });
    await chrome.action.setBadgeText({ tabId, text });
    await chrome.action.setTitle({ tabId, title });
  } catch {
    // The tab was closed meanwhile.
  }
}

async function tabStates(): Promise<Record<string, TabState>> {
  return ((await chrome.storage.session.get("tabs")).tabs ?? {}) as Record<string, TabState>;
}

async function setTabState(tabId: number, state: TabState): Promise<void> {
  const tabs = await tabStates();
  tabs[tabId] = state;
  await chrome.storage.session.set({ tabs });
  await paintBadge(tabId, state, (await read()).heldCount ?? 0);
}

async function refreshHeldCount(): Promise<void> {
  const answer = await call("GET", "/v1/conversations?pageSize=100");
  const items = (answer.json as { items?: { status: string }[] } | undefined)?.items;
  if (!items) return;
  const held = items.filter((i) => i.status === "held").length;
  await write({ heldCount: held });
  await chrome.action.setBadgeBackgroundColor({ color: "#2b6cb0" });
  await chrome.action.setBadgeText({ text: held > 0 ? String(held) : "" });
  for (const [tabId, state] of Object.entries(await tabStates())) await paintBadge(Number(tabId), state, held);
}

chrome.tabs.onRemoved.addListener(async (tabId) => {
  const tabs = await tabStates();
  if (tabId in tabs) {
    delete tabs[tabId];
    await chrome.storage.session.set({ tabs });
  }
});

function pageStatus(stored: Stored, origin: string): PageStatus {
  const host = new URL(origin).hostname;
  const addedSites = stored.addedSites ?? [];
  const off = new Set(stored.sitesOff ?? []);
  const ratings: Record<string, Record<number, number>> = {};
  for (const [id, r] of Object.entries(stored.ratings ?? {})) ratings[id] = r.turns;
  const base = { addedSites, ratings };
  if (!stored.token) return { sharing: false, reason: "no-consent", ...base };
  if (stored.paused) return { sharing: false, reason: "paused", ...base };
  const siteOff = adapters.some((a) => off.has(a.id) && a.hosts.some((h) => hostMatches(h, host))) || off.has(origin);
  if (siteOff) return { sharing: false, reason: "site-off", ...base };
  return { sharing: true, ...base };
}

async function capture(request: Extract<Request, { type: "capture" }>, senderUrl: string | undefined): Promise<Answer> {
  const stored = await read();
  const status = pageStatus(stored, new URL(senderUrl ?? request.pageUrl).origin);
  if (!status.sharing) return { ok: false, detail: status.reason };
  if (!adapterById(request.adapter)) return { ok: false, detail: "unknown adapter" };
  if ((stored.gone ?? []).includes(request.clientId)) return { ok: false, status: 410, detail: "deleted" };
  const ratings = stored.ratings?.[request.clientId];
  const messages = request.turns.map((t: CapturedTurn, i: number) => {
    const rating = ratings?.turns[i] ?? t.rating;
    return rating === undefined || t.role !== "assistant" ? { role: t.role, content: t.content } : { role: t.role, content: t.content, rating };
  });
  const body: Record<string, unknown> = { conversationId: request.clientId, pageUrl: request.pageUrl, messages };
  if (request.model) body.model = request.model;
  if (ratings?.conversation) body.rating = ratings.conversation;
  const title = request.turns.find((t) => t.role === "user")?.content.slice(0, 120) ?? "";
  const titles = { ...(stored.titles ?? {}), [request.clientId]: title };
  const id = await conversationIdFor(stored.contributorId!, request.clientId);
  const clientIds = { ...(stored.clientIds ?? {}), [id]: request.clientId };
  await write({ outbox: enqueue(stored.outbox ?? [], "capture", request.clientId, body, Date.now()), titles, clientIds });
  void drainOutbox();
  return { ok: true, data: { id } };
}

/** PUT replaces every rating of the conversation: send the whole set we know. */
async function enqueueRating(id: string, clientId: string | undefined, stored: Stored): Promise<void> {
  const ratings = clientId ? stored.ratings?.[clientId] : undefined;
  const body = {
    rating: ratings?.conversation ?? null,
    messages: Object.entries(ratings?.turns ?? {}).map(([index, rating]) => ({ index: Number(index), rating })),
  };
  await write({ outbox: enqueue(stored.outbox ?? [], "rating", id, body, Date.now()) });
  void drainOutbox();
}

async function rateTurn(request: Extract<Request, { type: "rate-turn" }>): Promise<Answer> {
  const stored = await read();
  if (!stored.contributorId) return { ok: false, detail: "no-consent" };
  const current = stored.ratings?.[request.clientId] ?? { turns: {} };
  const ratings = { ...(stored.ratings ?? {}), [request.clientId]: { ...current, turns: { ...current.turns, [request.index]: request.rating } } };
  await write({ ratings });
  await enqueueRating(await conversationIdFor(stored.contributorId, request.clientId), request.clientId, { ...stored, ratings });
  return { ok: true };
}

async function rateConversation(request: Extract<Request, { type: "rate-conversation" }>): Promise<Answer> {
  const stored = await read();
  const clientId = stored.clientIds?.[request.id];
  const key = clientId ?? request.id;
  const current = stored.ratings?.[key] ?? { turns: {} };
  const ratings = { ...(stored.ratings ?? {}), [key]: { ...current, conversation: request.rating } };
  await write({ ratings });
  await enqueueRating(request.id, key, { ...stored, ratings });
  return { ok: true };
}

async function register(request: Extract<Request, { type: "register" }>): Promise<Answer> {
  const body: Record<string, unknown> = { termsVersion: TermsVersion, ageConfirmed: true };
  if (request.demographics.age) body.age = request.demographics.age;
  if (request.demographics.gender) body.gender = request.demographics.gender;
  if (request.demographics.country) body.location = request.demographics.country;
  const answer = await call("POST", "/v1/contributors", body, { ...(await read()), token: undefined });
  if (answer.status !== 201) return { ok: false, status: answer.status, detail: answer.detail };
  const json = answer.json as { contributorId: string; token: string };
  await write({ token: json.token, contributorId: json.contributorId, termsVersion: TermsVersion, demographics: request.demographics });
  return { ok: true };
}

/** A plain gateway call for the popup and options, answered with the gateway's JSON. */
async function relay(method: string, path: string, body?: unknown): Promise<Answer> {
  const answer = await call(method, path, body);
  return { ok: answer.status >= 200 && answer.status < 300, status: answer.status, detail: answer.detail, data: answer.json };
}

async function handle(request: Request, sender: chrome.runtime.MessageSender): Promise<Answer> {
  switch (request.type) {
    case "status":
      // The frame's own address as Chrome reports it, not what the page's script claims.
      return { ok: true, data: pageStatus(await read(), sender.url ? new URL(sender.url).origin : request.origin) };
    case "capture":
      return capture(request, sender.url ?? sender.tab?.url); // the frame that read it: a Space's Gradio is an iframe
    case "rate-turn":
      return rateTurn(request);
    case "rate-conversation":
      return rateConversation(request);
    case "register":
      return register(request);
    case "list": {
      const answer = await relay("GET", "/v1/conversations?pageSize=100");
      const stored = await read();
      return { ...answer, data: { page: answer.data, titles: stored.titles ?? {}, clientIds: stored.clientIds ?? {}, ratings: stored.ratings ?? {},
        problems: stored.problems ?? [], pending: (stored.outbox ?? []).length, paused: !!stored.paused } };
    }
    case "publish": {
      const answer = await relay("POST", `/v1/conversations/${request.id}/publish`);
      if (answer.ok) void refreshHeldCount();
      return answer;
    }
    case "delete": {
      const answer = await relay("DELETE", `/v1/conversations/${request.id}`);
      if (answer.ok) {
        const stored = await read();
        const clientId = stored.clientIds?.[request.id];
        if (clientId) {
          await write({ gone: [...new Set([...(stored.gone ?? []), clientId])],
            outbox: (stored.outbox ?? []).filter((e) => e.conversation !== clientId && e.conversation !== request.id) });
        }
        void refreshHeldCount();
      }
      return answer;
    }
    case "export":
      return relay("GET", "/v1/me/export");
    case "rotate-token": {
      const answer = await relay("POST", "/v1/me/token");
      const token = (answer.data as { token?: string } | undefined)?.token;
      if (answer.ok && token) await write({ token });
      return { ...answer, data: undefined };
    }
    case "delete-account": {
      const answer = await relay("DELETE", "/v1/me");
      if (answer.ok) {
        await chrome.alarms.clear(DrainAlarm);
        // A drain under way writes its outcome when it ends: let it end, then clear (a later one finds no token).
        let current: Promise<void> | undefined;
        do {
          current = draining;
          await current;
        } while (current !== draining);
        await chrome.storage.local.clear();
        await chrome.action.setBadgeText({ text: "" });
      }
      return answer;
    }
    case "page-state": {
      const tabId = sender.tab?.id;
      if (tabId !== undefined) await setTabState(tabId, request.state);
      return { ok: true };
    }
  }
}

chrome.runtime.onMessage.addListener((request: Request, sender, respond) => {
  // Only our own pages and content scripts (same extension id) ever reach here.
  if (sender.id !== chrome.runtime.id) return false;
  handle(request, sender).then(respond, (e: Error) => respond({ ok: false, detail: e.message }));
  return true;
});

chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === DrainAlarm) void drainOutbox();
});

chrome.runtime.onInstalled.addListener(async (details) => {
  if (details.reason === "install" && !(await read()).token) await openOnboarding();
  await registerAddedSites();
});

chrome.runtime.onStartup.addListener(() => void drainOutbox());

/** Content scripts for the self-hosted sites the contributor added (their host permission granted then). */
export async function registerAddedSites(): Promise<void> {
  const sites = (await read()).addedSites ?? [];
  const existing = await chrome.scripting.getRegisteredContentScripts();
  if (existing.length > 0) await chrome.scripting.unregisterContentScripts({ ids: existing.map((s) => s.id) });
  if (sites.length === 0) return;
  await chrome.scripting.registerContentScripts([{
    id: "sharelm-added-sites",
    js: ["content.js"],
    matches: sites.map((origin) => `${origin}/*`),
    allFrames: true,
    runAt: "document_idle",
    persistAcrossSessions: true,
  }]);
}

chrome.storage.onChanged.addListener((changes) => {
  if (changes.addedSites) void registerAddedSites();
});

// A worker that was stopped with sends waiting picks them up when it wakes.
void scheduleDrain();
