// One adapter per chat UI, as data: where the turns are, whose each turn is, where the platform keeps its own
// conversation id and model name, and what shows that a response is still streaming. Adding a platform is
// adding an entry here (and its host to manifest.json and a fixture page to test/fixtures).

export type Role = "user" | "assistant" | "system";

/** How to tell a turn's role: from an attribute's value, or from which selector the element matches. */
export type RoleRule =
  | { attribute: string; values: Record<string, Role> }
  | { bySelector: Record<Role, string> };

export interface Adapter {
  /** Stable id, used in storage keys and the site toggles. */
  id: string;
  /** Shown to the contributor. */
  name: string;
  /** Hosts it runs on out of the box (manifest host permissions); empty for self-hosted-only UIs. */
  hosts: string[];
  /** Paths on those hosts that are chat pages (a regular expression on the path). */
  path?: string;
  /** Present on the page only when this UI is there: how a self-hosted Gradio or ChatUI is recognised. */
  detect: string;
  /** Every turn, in document order. */
  turns: string;
  role: RoleRule;
  /** The text of a turn, inside the turn element (default: the element itself). */
  text?: string;
  /** Present while a response is still being written. */
  streaming?: string;
  /** The platform's own conversation id, from the page URL (first group). */
  idFromUrl?: RegExp;
  /** Where the page shows the model's name. */
  model?: string;
  /** The platform's own per-response thumbs, inside an assistant turn: pressed up / pressed down. */
  nativeRating?: { up: string; down: string };
}

export const adapters: readonly Adapter[] = [
  {
    id: "chatgpt",
    name: "ChatGPT",
    hosts: ["chatgpt.com", "chat.openai.com"],
    detect: "[data-message-author-role]",
    turns: "[data-message-author-role]",
    role: { attribute: "data-message-author-role", values: { user: "user", assistant: "assistant", system: "system" } },
    text: ".markdown, .whitespace-pre-wrap",
    streaming: "[data-testid='stop-button'], .result-streaming",
    idFromUrl: /^\/(?:g\/[^/]+\/)?c\/([0-9a-zA-Z-]{8,})/,
    model: "[data-testid='model-switcher-dropdown-button']",
  },
  {
    id: "claude",
    name: "Claude",
    hosts: ["claude.ai"],
    detect: "[data-testid='user-message'], .font-claude-message",
    turns: "[data-testid='user-message'], .font-claude-message",
    role: { bySelector: { user: "[data-testid='user-message']", assistant: ".font-claude-message", system: "[data-sharelm-never]" } },
    streaming: "[data-is-streaming='true']",
    idFromUrl: /^\/chat\/([0-9a-f-]{36})/,
    model: "[data-testid='model-selector-dropdown']",
  },
  {
    id: "gemini",
    name: "Gemini",
    hosts: ["gemini.google.com"],
    detect: "user-query, model-response",
    turns: "user-query, model-response",
    role: { bySelector: { user: "user-query", assistant: "model-response", system: "[data-sharelm-never]" } },
    text: ".query-text, message-content",
    streaming: "model-response [aria-busy='true'], .response-streaming",
    idFromUrl: /^\/app\/([0-9a-f]{8,})/,
    model: "[data-test-id='bard-mode-menu-button']",
  },
  {
    id: "chatui",
    name: "Hugging Face ChatUI",
    hosts: ["huggingface.co"],
    path: "^/chat(/|$)",
    detect: "[data-message-role]",
    turns: "[data-message-role]",
    role: { attribute: "data-message-role", values: { user: "user", assistant: "assistant", system: "system" } },
    text: ".prose, [data-message-text]",
    streaming: "[data-streaming='true'], button[name='stop']",
    idFromUrl: /^\/chat\/conversation\/([0-9a-f]{8,})/,
    model: "[data-model-name]",
    nativeRating: { up: "[data-vote='up'][aria-pressed='true']", down: "[data-vote='down'][aria-pressed='true']" },
  },
  {
    id: "gradio",
    name: "Gradio chat demo",
    hosts: ["*.hf.space", "*.gradio.live"],
    detect: ".gradio-container [data-testid='bot'], .gradio-container [data-testid='user']",
    turns: ".gradio-container [data-testid='user'], .gradio-container [data-testid='bot']",
    role: { attribute: "data-testid", values: { user: "user", bot: "assistant" } },
    streaming: ".gradio-container .generating, .gradio-container [data-testid='stop']",
  },
];

export function adapterById(id: string): Adapter | undefined {
  return adapters.find((a) => a.id === id);
}

/**
 * The origin of a self-hosted site as the contributor typed it ("chat.example.org", "http://10.0.0.5:7860/"), or
 * undefined if it is not a web site. A bare host name means https; plain http is kept only where it was asked for,
 * so the permission asked for is exactly the one origin.
 */
export function addedSiteOrigin(input: string): string | undefined {
  const text = input.trim().toLowerCase();
  if (!text) return undefined;
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//.test(text) ? text : `https://${text}`);
    if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
    if (url.username || url.password || !/^[a-z0-9.-]+$|^\[[0-9a-f:.]+\]$/.test(url.hostname)) return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

/** Whether a host matches an adapter's host entry ("*.hf.space" matches any subdomain). */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern.startsWith("*.")) return host === pattern.slice(2) || host.endsWith(pattern.slice(1));
  return host === pattern;
}

/**
 * The adapter for this page: one whose host (or, for a self-hosted site the contributor added, whose page
 * structure) matches. Gradio and ChatUI run anywhere, so on an added site they are recognised by their DOM.
 */
export function adapterFor(url: URL, doc: ParentNode, addedSites: readonly string[] = []): Adapter | undefined {
  const byHost = adapters.find((a) => a.hosts.some((h) => hostMatches(h, url.hostname)) && (!a.path || new RegExp(a.path).test(url.pathname)));
  if (byHost) return byHost;
  if (!addedSites.includes(url.origin)) return undefined;
  return adapters.find((a) => (a.id === "gradio" || a.id === "chatui") && doc.querySelector(a.detect) !== null);
}
