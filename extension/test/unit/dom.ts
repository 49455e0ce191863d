import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

/** A saved page structure from test/fixtures, as a document at the given URL. */
export function fixture(name: string, url: string): { doc: Document; url: URL; window: Window } {
  const html = readFileSync(new URL(`../fixtures/${name}.html`, import.meta.url), "utf8");
  const dom = new JSDOM(html, { url });
  return { doc: dom.window.document, url: new URL(url), window: dom.window as unknown as Window };
}
