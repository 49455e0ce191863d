// The content script, in every frame of a supported page (Hugging Face Spaces run Gradio in an iframe). It
// watches the page with a MutationObserver and, once a response has stopped streaming and the page has been
// quiet for a moment, hands the whole conversation to the service worker. It never polls, never talks to the
// gateway itself (a content script's requests carry the page's origin), and never sees the token.

import { ask, type PageStatus } from "../shared/messages.js";
import { adapterFor, type Adapter } from "./adapters.js";
import { extract, forgetChanged, type TextCache } from "./extract.js";
import { fingerprint, identify, type TrackedConversation } from "./identity.js";

/** How long the page must be quiet after a change before the conversation is read and sent. */
export const QuietMs = 1_200;

const Marker = "data-sharelm";

let adapter: Adapter | undefined;
let status: PageStatus | undefined;
let tracked: TrackedConversation | undefined;
let lastSent = "";
let timer: ReturnType<typeof setTimeout> | undefined;
let indicator: HTMLElement | undefined;
const gone = new Set<string>();
/** Each turn's text as last read, forgotten when a mutation touches the turn: a quiet read walks only what changed. */
let texts: TextCache = new WeakMap();

function pageUrl(): URL {
  return new URL(location.href);
}

/** Our own elements (rating buttons, the indicator) change the page too; those changes are not the chat's. */
function isOurs(node: Node | null): boolean {
  for (let n: Node | null = node; n; n = n.parentNode) {
    if (n.nodeType === 1 && (n as Element).hasAttribute(Marker)) return true;
  }
  return false;
}

function isOurRecord(record: MutationRecord): boolean {
  if (isOurs(record.target)) return true;
  if (record.type !== "childList") return false;
  const nodes = [...Array.from(record.addedNodes), ...Array.from(record.removedNodes)];
  return nodes.length > 0 && nodes.every((n) => n.nodeType === 1 && (n as Element).hasAttribute(Marker));
}

function schedule(): void {
  if (timer !== undefined) clearTimeout(timer);
  timer = setTimeout(check, QuietMs);
}

async function check(): Promise<void> {
  timer = undefined;
  if (!adapter || !status?.sharing) return;
  const url = pageUrl();
  const found = extract(adapter, document, url, tracked ? status.ratings[tracked.id] ?? {} : {}, texts);
  if (found.streaming) {
    schedule(); // still writing: look again once it has been quiet
    return;
  }
  tracked = identify(adapter.id, found.turns, found.platformId, tracked, () => crypto.randomUUID());
  addRatingButtons(found.assistants);
  if (!tracked || gone.has(tracked.id)) return;
  const key = tracked.id + "\u0000" + found.turns.map(fingerprint).join(".") + (found.model ?? "");
  if (key === lastSent) return;
  lastSent = key;
  // The page address without its query or fragment: they can carry e-mail addresses and tokens.
  const answer = await ask({ type: "capture", adapter: adapter.id, clientId: tracked.id, pageUrl: url.origin + url.pathname, model: found.model, turns: found.turns });
  if (answer.status === 410) gone.add(tracked.id); // deleted by the contributor: never sent again
}

function ratingButtons(index: number, current: number | undefined): HTMLElement {
  const box = document.createElement("span");
  box.setAttribute(Marker, "rating");
  box.setAttribute("role", "group");
  box.setAttribute("aria-label", "Rate this response for ShareLM");
  box.style.cssText = "display:inline-flex;gap:2px;margin:4px 0;font:12px system-ui,sans-serif;";
  for (const [value, label, text] of [[-1, "Bad response", "−1"], [0, "Neutral response", "0"], [1, "Good response", "+1"]] as const) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = text;
    button.title = `${label} (ShareLM)`;
    button.setAttribute("aria-label", `${label} (ShareLM)`);
    button.setAttribute("aria-pressed", String(current === value));
    button.dataset.rating = String(value);
    button.style.cssText = `border:1px solid #999;border-radius:4px;padding:0 6px;cursor:pointer;background:${current === value ? "#2b6cb0" : "transparent"};color:${current === value ? "#fff" : "inherit"};`;
    button.addEventListener("click", async (event) => {
      event.preventDefault();
      event.stopPropagation();
      if (!tracked) return;
      status!.ratings[tracked.id] = { ...(status!.ratings[tracked.id] ?? {}), [index]: value };
      box.replaceWith(ratingButtons(index, value));
      await ask({ type: "rate-turn", clientId: tracked.id, index, rating: value });
    });
    box.append(button);
  }
  return box;
}

function addRatingButtons(assistants: { element: Element; index: number }[]): void {
  if (!adapter || !tracked) return;
  const ratings = status?.ratings[tracked.id] ?? {};
  for (const { element, index } of assistants) {
    const existing = element.querySelector(`[${Marker}='rating']`);
    if (existing) continue;
    element.append(ratingButtons(index, ratings[index]));
  }
}

function showIndicator(state: "sharing" | "paused"): void {
  if (window !== window.top) return; // one indicator per page, in the top frame
  if (!indicator) {
    indicator = document.createElement("div");
    indicator.setAttribute(Marker, "indicator");
    indicator.setAttribute("role", "status");
    indicator.style.cssText = "position:fixed;right:12px;bottom:12px;z-index:2147483647;padding:3px 8px;border-radius:10px;"
      + "font:12px system-ui,sans-serif;color:#fff;pointer-events:none;opacity:.85;";
    document.documentElement.append(indicator);
  }
  indicator.textContent = state === "sharing" ? "ShareLM: sharing" : "ShareLM: paused";
  indicator.style.background = state === "sharing" ? "#2b6cb0" : "#718096";
}

async function refreshStatus(): Promise<void> {
  const answer = await ask<PageStatus>({ type: "status", origin: location.origin });
  status = answer.data;
  adapter = adapterFor(pageUrl(), document, status?.addedSites ?? []);
  texts = new WeakMap(); // read while not watched (paused): nothing cached can be trusted
  if (!adapter || !status) {
    if (window === window.top) void ask({ type: "page-state", state: "unsupported" });
    return;
  }
  const sharing = status.sharing;
  if (window === window.top || sharing) showIndicator(sharing ? "sharing" : "paused");
  void ask({ type: "page-state", state: sharing ? "sharing" : "paused" });
  if (sharing) schedule();
}

const observer = new MutationObserver((records) => {
  if (records.every(isOurRecord)) return;
  if (adapter) forgetChanged(adapter, texts, records);
  if (!adapter) {
    // A chat UI that renders after load (Gradio builds its page in script): look again.
    if (status && adapterFor(pageUrl(), document, status.addedSites)) void refreshStatus();
    return;
  }
  if (status?.sharing) schedule();
});

chrome.storage.onChanged.addListener((changes) => {
  if (changes.paused || changes.sitesOff || changes.token || changes.addedSites) void refreshStatus();
});

// A single-page app changes its URL without a load: a new URL may be a new conversation.
let lastHref = location.href;
window.addEventListener("popstate", () => schedule());
const urlWatch = new MutationObserver(() => {
  if (location.href !== lastHref) {
    lastHref = location.href;
    lastSent = "";
    if (status?.sharing) schedule();
  }
});

observer.observe(document.documentElement, { subtree: true, childList: true, characterData: true });
urlWatch.observe(document.querySelector("title") ?? document.documentElement, { subtree: true, childList: true, characterData: true });
void refreshStatus();
