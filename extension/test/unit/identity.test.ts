import assert from "node:assert/strict";
import { test } from "node:test";
import { identify } from "../../src/content/identity.js";
import type { Turn } from "../../src/content/extract.js";

const chat: Turn[] = [{ role: "user", content: "Hi" }, { role: "assistant", content: "Hello!" }];
let counter = 0;
const make = () => `id-${++counter}`;

test("the platform's own id wins, and is the same in every tab", () => {
  assert.equal(identify("chatgpt", chat, "abc123", undefined, make)?.id, "chatgpt:abc123");
  assert.equal(identify("chatgpt", chat, "abc123", { id: "gradio:x", firstTurn: "0" }, make)?.id, "chatgpt:abc123");
});

test("without one, the id is made once and kept while the conversation grows", () => {
  const first = identify("gradio", chat, undefined, undefined, make)!;
  const grown = identify("gradio", [...chat, { role: "user", content: "More" }], undefined, first, make)!;
  assert.equal(grown.id, first.id);
  const regenerated = identify("gradio", [chat[0], { role: "assistant", content: "Hi there" }], undefined, first, make)!;
  assert.equal(regenerated.id, first.id);
});

test("a new chat in the same tab (another first turn, or an emptied page) gets a new id", () => {
  const first = identify("gradio", chat, undefined, undefined, make)!;
  assert.notEqual(identify("gradio", [{ role: "user", content: "Something else" }], undefined, first, make)!.id, first.id);
  assert.equal(identify("gradio", [], undefined, first, make), undefined);
});
