// The popup: the contributor's conversations as the gateway knows them (the server is the truth), with a live
// countdown to the end of each hold, and the actions the hold allows.

import { ask } from "../shared/messages.js";
import type { Problem, Ratings } from "../shared/state.js";

interface Summary {
  id: string; clientConversationId: string; status: "held" | "published" | "deleted"; revision: number; model: string;
  messageCount: number; publishAt?: string; publishedAt?: string;
}
interface Listing {
  page?: { items: Summary[] }; titles: Record<string, string>; clientIds: Record<string, string>; ratings: Record<string, Ratings>;
  problems: Problem[]; pending: number; paused: boolean;
}

const list = document.getElementById("list")!;
const summary = document.getElementById("summary")!;
const problems = document.getElementById("problems")!;
const pause = document.getElementById("pause") as HTMLInputElement;
const countdowns: { element: HTMLElement; until: number }[] = [];

export function countdown(ms: number): string {
  if (ms <= 0) return "publishing now";
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  return h > 0 ? `public in ${h}h ${String(m).padStart(2, "0")}m` : `public in ${m}m ${String(sec).padStart(2, "0")}s`;
}

function platformOf(clientId: string): string {
  return clientId.split(":")[0] ?? "";
}

function button(text: string, label: string, action: () => Promise<void>): HTMLButtonElement {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  b.setAttribute("aria-label", label);
  b.addEventListener("click", async () => { b.disabled = true; await action(); await render(); });
  return b;
}

async function render(): Promise<void> {
  const answer = await ask<Listing>({ type: "list" });
  const data = answer.data!;
  pause.checked = data.paused;
  countdowns.length = 0;
  list.replaceChildren();
  if (!answer.ok) {
    summary.textContent = answer.status === 401 || answer.status === undefined ? "Not signed up yet." : `The gateway answered: ${answer.detail}`;
    return;
  }
  const items = data.page?.items ?? [];
  const held = items.filter((i) => i.status === "held").length;
  summary.textContent = `${items.length} conversation${items.length === 1 ? "" : "s"}, ${held} held` + (data.pending > 0 ? `, ${data.pending} waiting to be sent` : "");
  for (const item of items) {
    const li = document.createElement("li");
    li.dataset.id = item.id;
    li.dataset.status = item.status;
    const title = document.createElement("div");
    title.className = "title";
    title.textContent = data.titles[item.clientConversationId] || "(untitled conversation)";
    const meta = document.createElement("div");
    meta.className = "meta";
    const status = document.createElement("span");
    status.className = `status-${item.status}`;
    status.textContent = item.status;
    meta.append(`${platformOf(item.clientConversationId)} · ${item.model} · `, status);
    if (item.status === "held" && item.publishAt) {
      const left = document.createElement("span");
      left.className = "countdown";
      meta.append(" · ", left);
      countdowns.push({ element: left, until: Date.parse(item.publishAt) });
    }
    const actions = document.createElement("div");
    actions.className = "actions";
    if (item.status !== "deleted") {
      const rating = data.ratings[item.clientConversationId]?.conversation;
      const up = button("👍", "Rate the conversation good", async () => { await ask({ type: "rate-conversation", id: item.id, rating: "up" }); });
      const down = button("👎", "Rate the conversation bad", async () => { await ask({ type: "rate-conversation", id: item.id, rating: "down" }); });
      up.setAttribute("aria-pressed", String(rating === "up"));
      down.setAttribute("aria-pressed", String(rating === "down"));
      actions.append(up, down);
      if (item.status === "held") actions.append(button("Publish now", "Publish now", async () => { await ask({ type: "publish", id: item.id }); }));
      actions.append(button("Delete", "Delete", async () => {
        const warning = item.status === "published"
          ? "This conversation is public. Deleting it takes it down from the dataset and tells every mirror. Delete it?"
          : "Delete this conversation? It will never be published.";
        if (confirm(warning)) await ask({ type: "delete", id: item.id });
      }));
    }
    li.append(title, meta, actions);
    list.append(li);
  }
  problems.textContent = data.problems.slice(-3).map((p) => p.detail).join(" · ");
  tick();
}

function tick(): void {
  const now = Date.now();
  for (const c of countdowns) c.element.textContent = countdown(c.until - now);
}

pause.addEventListener("change", async () => {
  await chrome.storage.local.set({ paused: pause.checked });
  await render();
});

// A page's own timer is fine here: the popup lives only while it is open.
setInterval(tick, 1000);
void render();
