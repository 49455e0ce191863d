import assert from "node:assert/strict";
import { test } from "node:test";
import { addedSiteOrigin, adapterFor, adapters, hostMatches } from "../../src/content/adapters.js";
import { assistantTurns, extract, forgetChanged, type TextCache } from "../../src/content/extract.js";
import { fixture } from "./dom.js";

const pages = [
  { name: "chatgpt", url: "https://chatgpt.com/c/67a1b2c3-0000-4000-8000-000000000001", model: "GPT-4o", id: "67a1b2c3-0000-4000-8000-000000000001",
    turns: [["user", "What is a monad?"], ["assistant", "A monoid in the category of endofunctors."]] },
  { name: "claude", url: "https://claude.ai/chat/0f0e0d0c-0b0a-4908-8706-050403020100", model: "Claude Sonnet 4.5", id: "0f0e0d0c-0b0a-4908-8706-050403020100",
    turns: [["user", "Write a haiku about autumn."], ["assistant", "Red leaves drift and fall,\nquiet paths beneath bare trees,\nthe year exhales slow."]] },
  { name: "gemini", url: "https://gemini.google.com/app/1a2b3c4d5e6f", model: "2.5 Flash", id: "1a2b3c4d5e6f",
    turns: [["user", "Translate \"good morning\" to French."], ["assistant", "Bonjour."]] },
  { name: "chatui", url: "https://huggingface.co/chat/conversation/66aa77bb88cc99dd", model: "meta-llama/Llama-3.3-70B-Instruct", id: "66aa77bb88cc99dd",
    turns: [["user", "How tall is Mont Blanc?"], ["assistant", "About 4,806 metres."]] },
  { name: "gradio", url: "https://someone-demo.hf.space/", model: undefined, id: undefined,
    turns: [["user", "Hi! Who are you?"], ["assistant", "I am a small demo model."]] },
] as const;

for (const page of pages) {
  test(`${page.name}: the turns in order, the model, the platform's own id`, () => {
    const { doc, url } = fixture(page.name, page.url);
    const adapter = adapterFor(url, doc);
    assert.equal(adapter?.id, page.name);
    const found = extract(adapter!, doc, url);
    assert.deepEqual(found.turns.map((t) => [t.role, t.content]), page.turns);
    assert.equal(found.model, page.model);
    assert.equal(found.platformId, page.id);
    assert.equal(found.streaming, false);
  });
}

test("every adapter has a fixture page here", () => {
  assert.deepEqual(adapters.map((a) => a.id).sort(), pages.map((p) => p.name).sort());
});

test("ChatUI's own thumbs are read; the contributor's rating wins over them", () => {
  const { doc, url } = fixture("chatui", "https://huggingface.co/chat/conversation/66aa77bb88cc99dd");
  const adapter = adapterFor(url, doc)!;
  assert.equal(extract(adapter, doc, url).turns[1].rating, 1);
  assert.equal(extract(adapter, doc, url, { 1: -1 }).turns[1].rating, -1);
  assert.equal(extract(adapter, doc, url).turns[0].rating, undefined);
});

test("a response still streaming is reported as such", () => {
  const { doc, url } = fixture("claude", "https://claude.ai/chat/0f0e0d0c-0b0a-4908-8706-050403020100");
  doc.querySelector("[data-is-streaming]")!.setAttribute("data-is-streaming", "true");
  assert.equal(extract(adapterFor(url, doc)!, doc, url).streaming, true);
});

test("our own buttons inside a turn are not part of its text", () => {
  const { doc, url } = fixture("chatgpt", "https://chatgpt.com/c/67a1b2c3-0000-4000-8000-000000000001");
  const adapter = adapterFor(url, doc)!;
  const [{ element }] = assistantTurns(adapter, doc);
  const buttons = doc.createElement("span");
  buttons.setAttribute("data-sharelm", "rating");
  buttons.textContent = "−1 0 +1";
  element.querySelector(".markdown")!.append(buttons);
  assert.equal(extract(adapter, doc, url).turns[1].content, "A monoid in the category of endofunctors.");
});

test("pages that are not chats, and unknown sites, have no adapter", () => {
  const { doc } = fixture("gradio", "https://example.org/");
  assert.equal(adapterFor(new URL("https://example.org/"), doc), undefined);
  assert.equal(adapterFor(new URL("https://huggingface.co/models"), doc), undefined);
});

test("a self-hosted Gradio is recognised by its page structure once its site is added", () => {
  const { doc, url } = fixture("gradio", "https://llm.intranet.example/");
  assert.equal(adapterFor(url, doc, []), undefined);
  assert.equal(adapterFor(url, doc, ["https://llm.intranet.example"])?.id, "gradio");
  assert.equal(adapterFor(url, doc, ["http://llm.intranet.example"]), undefined, "another origin: not the site added");
});

test("a site is added as exactly one origin, from what the contributor typed", () => {
  assert.equal(addedSiteOrigin("chat.example.org"), "https://chat.example.org");
  assert.equal(addedSiteOrigin(" Chat.Example.org/some/page "), "https://chat.example.org");
  assert.equal(addedSiteOrigin("http://10.0.0.5:7860/"), "http://10.0.0.5:7860");
  assert.equal(addedSiteOrigin("https://llm.example:443"), "https://llm.example");
  for (const bad of ["", "ftp://x.example", "javascript:alert(1)", "file:///etc", "https://user:pw@x.example", "two words", "*.example.org"]) {
    assert.equal(addedSiteOrigin(bad), undefined, bad);
  }
});

test("host patterns match subdomains only where they say so", () => {
  assert.ok(hostMatches("*.hf.space", "a-b.hf.space"));
  assert.ok(!hostMatches("*.hf.space", "evilhf.space"));
  assert.ok(hostMatches("claude.ai", "claude.ai"));
  assert.ok(!hostMatches("claude.ai", "notclaude.ai"));
});

test("code keeps its indentation and paragraphs their breaks", () => {
  const { doc, url } = fixture("chatgpt", "https://chatgpt.com/c/67a1b2c3-0000-4000-8000-000000000001");
  doc.querySelector("[data-message-author-role='assistant'] .markdown")!.innerHTML =
    "<p>Like this:</p><pre><code>def f(x):\n    return x</code></pre><ul><li>one</li><li>two</li></ul>";
  assert.equal(extract(adapterFor(url, doc)!, doc, url).turns[1].content, "Like this:\ndef f(x):\n    return x\none\ntwo");
});

test("the markup's own indentation between paragraphs is not text", () => {
  const { doc, url } = fixture("chatgpt", "https://chatgpt.com/c/67a1b2c3-0000-4000-8000-000000000001");
  doc.querySelector("[data-message-author-role='assistant'] .markdown")!.innerHTML = "\n  <p>First.</p>\n  <p>Second.</p>\n";
  assert.equal(extract(adapterFor(url, doc)!, doc, url).turns[1].content, "First.\nSecond.");
});

test("a quiet read walks again only the turns a mutation touched, and reads what a full read reads", async () => {
  const { doc, url, window } = fixture("chatgpt", "https://chatgpt.com/c/67a1b2c3-0000-4000-8000-000000000001");
  const adapter = adapterFor(url, doc)!;
  const cache: TextCache = new WeakMap();
  const records: MutationRecord[] = [];
  const observer = new (window as unknown as { MutationObserver: typeof MutationObserver }).MutationObserver((batch) => records.push(...batch));
  observer.observe(doc.documentElement, { subtree: true, childList: true, characterData: true });
  const first = extract(adapter, doc, url, {}, cache);
  const [user, assistant] = Array.from(doc.querySelectorAll(adapter.turns));
  assert.equal(cache.get(assistant), first.turns[1].content);

  // A streamed word into the assistant's text node, and an element added inside it.
  const text = assistant.querySelector(".markdown p")!.firstChild!;
  text.nodeValue += " More.";
  assistant.querySelector(".markdown")!.append(Object.assign(doc.createElement("p"), { textContent: "And a list." }));
  await new Promise((r) => setTimeout(r, 0)); // mutation records are delivered in a microtask
  forgetChanged(adapter, cache, records.splice(0));
  assert.equal(cache.has(assistant), false, "the changed turn is read again");
  assert.equal(cache.has(user), true, "an untouched turn is not");

  const cached = extract(adapter, doc, url, {}, cache);
  assert.deepEqual(cached.turns, extract(adapter, doc, url).turns);
  assert.equal(cached.turns[1].content, "A monoid in the category of endofunctors. More.\nAnd a list.");
  observer.disconnect();
});
