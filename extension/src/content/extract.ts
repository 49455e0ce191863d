import type { Adapter, Role } from "./adapters.js";

export interface Turn {
  role: Role;
  content: string;
  /** −1, 0 or +1 on assistant turns the contributor (or the platform's own thumbs) rated. */
  rating?: number;
}

export interface Extracted {
  turns: Turn[];
  /** A response is still being written: wait before sending. */
  streaming: boolean;
  /** The model's name where the page shows it. */
  model?: string;
  /** The platform's own conversation id, where its URL has one. */
  platformId?: string;
  /** The assistant turns' elements with their turn index: where the rating buttons go. */
  assistants: { element: Element; index: number }[];
}

function roleOf(adapter: Adapter, element: Element): Role | undefined {
  const rule = adapter.role;
  if ("attribute" in rule) return rule.values[element.getAttribute(rule.attribute) ?? ""];
  for (const [role, selector] of Object.entries(rule.bySelector) as [Role, string][]) {
    if (element.matches(selector)) return role;
  }
  return undefined;
}

const Blocks = new Set(["P", "DIV", "LI", "PRE", "H1", "H2", "H3", "H4", "H5", "H6", "TR", "BLOCKQUOTE", "UL", "OL", "TABLE", "SECTION", "ARTICLE"]);

/**
 * The text of a turn as a reader sees it: paragraphs, list items and line breaks become new lines, code keeps its
 * spacing, and the buttons we added (marked data-sharelm) are left out. Walked by hand rather than read from
 * innerText, which needs layout (absent in tests) and drops line breaks on a detached copy.
 */
function textOf(adapter: Adapter, element: Element): string {
  const root = (adapter.text ? element.querySelector(adapter.text) : null) ?? element;
  const out: string[] = [];
  // One line break between blocks, however many block boundaries meet there.
  const newline = () => {
    const last = out.length > 0 ? out[out.length - 1] : "\n";
    if (!last.endsWith("\n")) out.push("\n");
  };
  const walk = (node: Node, pre: boolean) => {
    if (node.nodeType === 3) {
      const text = node.nodeValue ?? "";
      // Indentation of the page's own markup between blocks is not text.
      if (!pre && text.trim() === "" && (out.length === 0 || out[out.length - 1].endsWith("\n"))) return;
      out.push(pre ? text : text.replace(/\s+/g, " "));
      return;
    }
    if (node.nodeType !== 1) return;
    const el = node as Element;
    if (el.hasAttribute("data-sharelm")) return;
    const tag = el.tagName.toUpperCase();
    if (tag === "BR") { out.push("\n"); return; }
    if (tag === "SCRIPT" || tag === "STYLE" || tag === "BUTTON") return;
    const block = Blocks.has(tag);
    if (block) newline();
    for (const child of Array.from(el.childNodes)) walk(child, pre || tag === "PRE");
    if (block) newline();
  };
  walk(root, false);
  return out.join("").replace(/\u00a0/g, " ").replace(/[ \t]+\n/g, "\n").replace(/\n (?! )/g, "\n").replace(/\n{3,}/g, "\n\n").trim();
}

function nativeRating(adapter: Adapter, element: Element): number | undefined {
  if (!adapter.nativeRating) return undefined;
  if (element.querySelector(adapter.nativeRating.up)) return 1;
  if (element.querySelector(adapter.nativeRating.down)) return -1;
  return undefined;
}

/**
 * The text of each turn element read before and not changed since (the content script forgets an element's entry
 * when a mutation touches it): a quiet read then walks only the turns that changed, not all 500 of a long chat.
 */
export type TextCache = WeakMap<Element, string>;

/** The turns in document order, and the assistant turns' elements with their turn index (where rating buttons go). */
function readTurns(adapter: Adapter, doc: ParentNode, ratings: Readonly<Record<number, number>>, cache?: TextCache): { turns: Turn[]; assistants: { element: Element; index: number }[] } {
  const turns: Turn[] = [];
  const assistants: { element: Element; index: number }[] = [];
  for (const element of Array.from(doc.querySelectorAll(adapter.turns))) {
    if (element.parentElement?.closest(adapter.turns)) continue; // nested in another turn
    const role = roleOf(adapter, element);
    if (!role) continue;
    let content = cache?.get(element);
    if (content === undefined) {
      content = textOf(adapter, element);
      cache?.set(element, content);
    }
    if (!content) continue;
    const turn: Turn = { role, content };
    if (role === "assistant") {
      assistants.push({ element, index: turns.length });
      const rating = ratings[turns.length] ?? nativeRating(adapter, element);
      if (rating !== undefined) turn.rating = rating;
    }
    turns.push(turn);
  }
  return { turns, assistants };
}

/**
 * Reads the conversation on the page, in document order, in one pass. Turns nested in another turn are skipped (some
 * UIs nest the text of a turn in an element that matches too), as are empty ones (a response not yet begun).
 * `ratings` are the contributor's own, by turn index; they win over the platform's thumbs. With a `cache`, a turn
 * whose element is in it is not walked again (see `forgetChanged`).
 */
export function extract(adapter: Adapter, doc: ParentNode, url: URL, ratings: Readonly<Record<number, number>> = {}, cache?: TextCache): Extracted {
  const { turns, assistants } = readTurns(adapter, doc, ratings, cache);
  const streaming = adapter.streaming ? doc.querySelector(adapter.streaming) !== null : false;
  const modelText = adapter.model ? doc.querySelector(adapter.model)?.textContent?.trim() : undefined;
  const platformId = adapter.idFromUrl?.exec(url.pathname)?.[1];
  return { turns, assistants, streaming, model: modelText || undefined, platformId };
}

/** The elements of the assistant's turns, in order, with their turn index: where the rating buttons go. */
export function assistantTurns(adapter: Adapter, doc: ParentNode): { element: Element; index: number }[] {
  return readTurns(adapter, doc, {}).assistants;
}

/**
 * Forgets the cached text of every turn a mutation touched (the turn around its target, and any turn around that
 * one: some UIs nest an element that matches too), so the next read walks those again. Cheap enough for the
 * observer callback: a `closest` or two per record.
 */
export function forgetChanged(adapter: Adapter, cache: TextCache, records: readonly MutationRecord[]): void {
  for (const record of records) {
    const target = record.target.nodeType === 1 ? record.target as Element : record.target.parentElement;
    for (let turn = target?.closest(adapter.turns); turn; turn = turn.parentElement?.closest(adapter.turns)) cache.delete(turn);
  }
}
