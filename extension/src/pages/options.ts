import { addedSiteOrigin, adapters } from "../content/adapters.js";
import { ask } from "../shared/messages.js";
import { gatewayOf, read, write } from "../shared/state.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

async function renderSites(): Promise<void> {
  const stored = await read();
  const off = new Set(stored.sitesOff ?? []);
  const entries = [...adapters.map((a) => ({ key: a.id, label: `${a.name}${a.hosts.length ? ` (${a.hosts.join(", ")})` : ""}` })),
    ...(stored.addedSites ?? []).map((h) => ({ key: h, label: `${h} (added)` }))];
  const list = $("sites");
  list.replaceChildren();
  for (const entry of entries) {
    const li = document.createElement("li");
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = !off.has(entry.key);
    box.addEventListener("change", async () => {
      const current = new Set((await read()).sitesOff ?? []);
      if (box.checked) current.delete(entry.key); else current.add(entry.key);
      await write({ sitesOff: [...current] });
    });
    label.append(box, ` ${entry.label}`);
    li.append(label);
    list.append(li);
  }
}

async function init(): Promise<void> {
  const stored = await read();
  ($("gateway") as HTMLInputElement).value = gatewayOf(stored);
  const d = stored.demographics ?? {};
  $("demographics").textContent = stored.token
    ? `Given at sign-up: age ${d.age ?? "not given"}, gender ${d.gender ?? "not given"}, country ${d.country ?? "not given"}.`
    : "Not signed up yet.";
  await renderSites();
}

$("save-gateway").addEventListener("click", async () => {
  const value = ($("gateway") as HTMLInputElement).value.trim();
  try {
    const url = new URL(value);
    if (url.protocol !== "https:" && url.hostname !== "127.0.0.1" && url.hostname !== "localhost") throw new Error("use https");
    const granted = await chrome.permissions.request({ origins: [`${url.origin}/*`] });
    if (!granted) throw new Error("permission refused");
    await write({ gateway: url.origin });
    $("gateway-msg").textContent = "Saved.";
  } catch (e) {
    $("gateway-msg").textContent = `Not saved: ${(e as Error).message}.`;
  }
});

$("add-site").addEventListener("click", async () => {
  const origin = addedSiteOrigin(($("new-site") as HTMLInputElement).value);
  if (!origin) { $("site-msg").textContent = "A web site, like chat.example.org or http://10.0.0.5:7860."; return; }
  // Asked for at this moment, for this one origin only: never <all_urls> up front.
  const granted = await chrome.permissions.request({ origins: [`${origin}/*`] });
  if (!granted) { $("site-msg").textContent = "Permission refused: the site was not added."; return; }
  const stored = await read();
  await write({ addedSites: [...new Set([...(stored.addedSites ?? []), origin])] });
  $("site-msg").textContent = `Added ${origin}.`;
  await renderSites();
});

$("export").addEventListener("click", async () => {
  const answer = await ask({ type: "export" });
  if (!answer.ok) { $("data-msg").textContent = `Export failed: ${answer.detail}`; return; }
  const blob = new Blob([JSON.stringify(answer.data, null, 2)], { type: "application/json" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = "sharelm-export.json";
  link.click();
  $("data-msg").textContent = "Exported.";
});

$("rotate").addEventListener("click", async () => {
  const answer = await ask({ type: "rotate-token" });
  $("data-msg").textContent = answer.ok ? "A new token is in use; the old one no longer works." : `Failed: ${answer.detail}`;
});

$("delete-account").addEventListener("click", async () => {
  if (!confirm("Delete your account? Every conversation is erased, also those already public (they are taken down).")) return;
  const answer = await ask({ type: "delete-account" });
  $("data-msg").textContent = answer.ok ? "Your account and every conversation are being erased." : `Failed: ${answer.detail}`;
});

void init();
