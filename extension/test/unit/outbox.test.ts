import assert from "node:assert/strict";
import { test } from "node:test";
import { backoff, drain, enqueue, FirstBackoffMs, MaxBackoffMs, nextDue, type GatewayAnswer, type OutboxEntry } from "../../src/shared/outbox.js";

function store(initial: OutboxEntry[] = []) {
  let entries = initial;
  return { load: async () => entries, save: async (next: OutboxEntry[]) => { entries = next; }, get: () => entries };
}

test("a newer send of the same conversation replaces the unsent one; others stay", () => {
  let entries = enqueue([], "capture", "a", { v: 1 }, 0);
  entries = enqueue(entries, "capture", "b", { v: 1 }, 0);
  entries = enqueue(entries, "capture", "a", { v: 2 }, 5);
  entries = enqueue(entries, "rating", "a", { r: 1 }, 5);
  assert.deepEqual(entries.map((e) => [e.key, e.body]), [["capture:b", { v: 1 }], ["capture:a", { v: 2 }], ["rating:a", { r: 1 }]]);
});

test("only an acknowledged send leaves the outbox; a failed one waits, backing off", async () => {
  const s = store(enqueue(enqueue([], "capture", "a", {}, 0), "capture", "b", {}, 0));
  const answers: Record<string, GatewayAnswer> = { "capture:a": { status: 202 }, "capture:b": { status: 0, detail: "network down" } };
  const outcome = await drain(s.load, s.save, async (e) => answers[e.key], () => 1_000, () => 0.5);
  assert.deepEqual(outcome.sent.map((e) => e.key), ["capture:a"]);
  assert.deepEqual(s.get().map((e) => [e.key, e.attempts, e.notBefore, e.lastError]), [["capture:b", 1, 1_000 + FirstBackoffMs, "network down"]]);
  // Not due yet: nothing is sent.
  let calls = 0;
  await drain(s.load, s.save, async () => { calls++; return { status: 202 }; }, () => 1_500);
  assert.equal(calls, 0);
  await drain(s.load, s.save, async () => ({ status: 202 }), () => 1_000 + FirstBackoffMs);
  assert.deepEqual(s.get(), []);
});

test("429 and 503 are retried after their Retry-After", async () => {
  for (const status of [429, 503]) {
    const s = store(enqueue([], "capture", "a", {}, 0));
    await drain(s.load, s.save, async () => ({ status, retryAfter: 30 }), () => 10_000);
    assert.equal(s.get()[0].notBefore, 40_000);
  }
});

test("a 410 means deleted: never sent again; another 4xx is shown and dropped; a 401 stops everything", async () => {
  const s = store(enqueue(enqueue(enqueue([], "capture", "gone", {}, 0), "capture", "bad", {}, 1), "capture", "later", {}, 2));
  const answers: Record<string, GatewayAnswer> = { "capture:gone": { status: 410 }, "capture:bad": { status: 400, detail: "'messages' is empty" }, "capture:later": { status: 401 } };
  const outcome = await drain(s.load, s.save, async (e) => answers[e.key], () => 10);
  assert.deepEqual(outcome.gone.map((e) => e.key), ["capture:gone"]);
  assert.deepEqual(outcome.refused.map((r) => [r.entry.key, r.detail]), [["capture:bad", "'messages' is empty"]]);
  assert.equal(outcome.unauthorized, true);
  assert.deepEqual(s.get().map((e) => e.key), ["capture:later"]);
});

test("a send replaced while it was on its way is kept in its new form", async () => {
  const s = store(enqueue([], "capture", "a", { v: 1 }, 0));
  await drain(s.load, s.save, async () => {
    await s.save(enqueue(s.get(), "capture", "a", { v: 2 }, 1));
    return { status: 202 };
  }, () => 5);
  assert.deepEqual(s.get().map((e) => e.body), [{ v: 2 }]);
});

test("backoff doubles up to its cap, and the alarm is set for the earliest entry", () => {
  assert.equal(backoff(1, () => 0.5), FirstBackoffMs);
  assert.equal(backoff(3, () => 0.5), FirstBackoffMs * 4);
  assert.equal(backoff(40, () => 0.5), MaxBackoffMs);
  assert.equal(nextDue([]), undefined);
  assert.equal(nextDue(enqueue(enqueue([], "capture", "a", {}, 50), "capture", "b", {}, 20)), 20);
});
