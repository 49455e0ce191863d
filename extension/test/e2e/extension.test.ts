// The extension in a real Chromium against the real services: onboarding, capture on every platform, growth into
// a revision, the popup's hold, ratings, publish now, delete in and after the hold, pause and a site turned off,
// the gateway going away and coming back, and a service-worker restart with sends waiting.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { Browser, buildFor, fixtureHtml, FixtureUrls } from "./browser.js";
import { Stack, until } from "./stack.js";

// Long enough that a conversation captured during the run is still held when a test needs one held.
const stack = new Stack("00:03:00");
let browser: Browser;

interface Listed { id: string; clientConversationId: string; status: string; revision: number; messageCount: number; publishAt?: string }

async function token(): Promise<string> {
  return (await browser.storage()).token as string;
}

async function mine(): Promise<Listed[]> {
  const response = await fetch(`${stack.ingest}/v1/conversations?pageSize=100`, { headers: { authorization: `Bearer ${await token()}` } });
  return ((await response.json()) as { items: Listed[] }).items;
}

async function conversationFor(prefix: string, where: (c: Listed) => boolean = () => true): Promise<Listed> {
  return until(async () => (await mine()).find((c) => c.clientConversationId.startsWith(prefix) && where(c)), 20_000, `a conversation from ${prefix}`);
}

/** Adds a user turn and an assistant turn the way the page's own script would. */
const TurnShapes: Record<string, [string, string]> = {
  chatgpt: [`<div data-message-author-role="user"><div class="whitespace-pre-wrap">Q</div></div>`,
    `<div data-message-author-role="assistant"><div class="markdown"><p>A</p></div></div>`],
  claude: [`<div class="turn"><div data-testid="user-message"><p>Q</p></div></div>`,
    `<div class="turn" data-is-streaming="false"><div class="font-claude-message"><p>A</p></div></div>`],
  gemini: [`<user-query><div class="query-text"><p>Q</p></div></user-query>`, `<model-response><message-content><p>A</p></message-content></model-response>`],
  chatui: [`<div data-message-role="user"><div class="prose">Q</div></div>`, `<div data-message-role="assistant"><div class="prose">A</div></div>`],
  gradio: [`<div class="message-row"><div data-testid="user" class="message user"><p>Q</p></div></div>`,
    `<div class="message-row"><div data-testid="bot" class="message bot"><p>A</p></div></div>`],
};

/** Adds a user turn and an assistant turn the way the page's own script would. */
async function addTurns(page: Page, name: string, question: string, answer: string): Promise<void> {
  const [user, bot] = TurnShapes[name];
  const html = user.replace(">Q<", `>${question}<`) + bot.replace(">A<", `>${answer}<`);
  await page.evaluate((markup) => { document.getElementById("thread")!.insertAdjacentHTML("beforeend", markup); }, html);
}

before(async () => {
  await stack.startAll();
  buildFor(stack.ingest);
  browser = await Browser.launch();
});

after(async () => {
  await browser?.close();
  await stack.stop();
});

describe("the ShareLM extension", { concurrency: 1 }, () => {
  test("opens its onboarding on install and registers only once the terms are accepted", async () => {
    const onboarding = await until(async () => browser.context.pages().find((p) => p.url().endsWith("/onboarding.html")), 30_000, "the onboarding page");
    const start = onboarding.getByRole("button", { name: "Start sharing" });
    assert.equal(await start.isDisabled(), true);
    assert.equal((await browser.storage()).token, undefined);
    await onboarding.getByRole("checkbox", { name: /at least 18/ }).check();
    await onboarding.getByLabel("Age range").selectOption("25-34");
    await onboarding.getByLabel(/Country/).fill("fr");
    await start.click();
    await until(async () => (await onboarding.getAttribute("body", "data-registered")) === "true", 20_000, "registration");
    const stored = await browser.storage();
    assert.match(String(stored.token), /.+/);
    assert.deepEqual(stored.demographics, { age: "25-34", country: "FR" });
    if (process.env.SHARELM_SCREENSHOTS) await onboarding.screenshot({ path: `${process.env.SHARELM_SCREENSHOTS}/onboarding.png`, fullPage: true });
  });

  for (const name of Object.keys(FixtureUrls)) {
    test(`${name}: a two-turn chat is captured once, and grows into a revision`, async () => {
      const page = await browser.context.newPage();
      await page.goto(FixtureUrls[name]);
      const first = await conversationFor(`${name}:`);
      assert.equal(first.messageCount, 2);
      assert.equal(first.revision, 1);
      assert.equal(first.status, "held");
      await addTurns(page, name, "And one more question?", "And one more answer.");
      const grown = await conversationFor(`${name}:`, (c) => c.revision === 2);
      assert.equal(grown.messageCount, 4);
      assert.equal(grown.id, first.id);
      // Nothing changed since: nothing more is sent.
      await new Promise((r) => setTimeout(r, 2_500));
      assert.equal((await conversationFor(`${name}:`)).revision, 2);
      await page.close();
    });
  }

  test("a per-response rating from the page and a conversation rating from the popup reach the gateway", async () => {
    const page = await browser.context.newPage();
    await page.goto(FixtureUrls.chatgpt);
    const conversation = await conversationFor("chatgpt:");
    await page.getByRole("button", { name: "Good response (ShareLM)" }).first().click();
    const rated = await until(async () => {
      const detail = await (await fetch(`${stack.ingest}/v1/conversations/${conversation.id}`, { headers: { authorization: `Bearer ${await token()}` } })).json();
      return detail.messages[1].rating === 1 ? detail : undefined;
    }, 20_000, "the response's rating");
    assert.equal(rated.status, "held");
    const popup = await browser.page("popup.html");
    const item = popup.locator(`li[data-id="${conversation.id}"]`);
    await item.getByRole("button", { name: "Rate the conversation good" }).click();
    await until(async () => {
      const detail = await (await fetch(`${stack.ingest}/v1/conversations/${conversation.id}`, { headers: { authorization: `Bearer ${await token()}` } })).json();
      return detail.rating === "up";
    }, 20_000, "the conversation's rating");
    await popup.close();
    await page.close();
  });

  test("the popup shows held conversations with a live countdown; publish now makes one public in the feed", async () => {
    const popup = await browser.page("popup.html");
    const conversation = await conversationFor("gemini:");
    const item = popup.locator(`li[data-id="${conversation.id}"]`);
    await item.waitFor();
    assert.equal(await item.getAttribute("data-status"), "held");
    const before = await item.locator(".countdown").textContent();
    assert.match(before ?? "", /^public in \d+m \d\ds$/);
    await until(async () => (await item.locator(".countdown").textContent()) !== before, 5_000, "the countdown to move");
    if (process.env.SHARELM_SCREENSHOTS) await popup.locator("body").screenshot({ path: `${process.env.SHARELM_SCREENSHOTS}/popup.png` });
    await item.getByRole("button", { name: "Publish now" }).click();
    const entry = await until(async () => (await stack.feed()).find((e) => e.record?.conversation_id === conversation.id), 30_000, "the publication in the feed");
    assert.equal(entry.record!.conversation.length, 4);
    await popup.close();
  });

  test("delete inside the hold: never public; delete after publication: taken down", async () => {
    const page = await browser.context.newPage();
    await page.goto("https://claude.ai/chat/0f0e0d0c-0b0a-4908-8706-0504030201d3");
    const held = await conversationFor("claude:0f0e0d0c-0b0a-4908-8706-0504030201d3");
    assert.equal(held.status, "held");
    await page.close();
    const published = await conversationFor("gemini:", (c) => c.status === "published");
    const popup = await browser.page("popup.html");
    popup.on("dialog", (dialog) => void dialog.accept());
    await popup.locator(`li[data-id="${held.id}"]`).getByRole("button", { name: "Delete" }).click();
    await popup.locator(`li[data-id="${published.id}"]`).getByRole("button", { name: "Delete" }).click();
    await until(async () => (await stack.feed()).some((e) => e.op === "delete" && e.conversation_id === published.id), 30_000, "the take-down");
    const feed = await stack.feed();
    assert.ok(!feed.some((e) => e.record?.conversation_id === published.id), "the record is gone from the feed");
    assert.ok(!feed.some((e) => e.record?.conversation_id === held.id || e.conversation_id === held.id), "the held one never appeared");
    const gone = (await browser.storage()).gone as string[];
    assert.ok(gone.includes(held.clientConversationId) && gone.includes(published.clientConversationId), "both are never sent again");
    await popup.close();
  });

  test("paused, or on a site turned off, nothing is captured", async () => {
    await browser.setStorage({ paused: true });
    const page = await browser.context.newPage();
    await page.goto("https://chatgpt.com/c/67a1b2c3-0000-4000-8000-0000000000f1");
    await page.getByText("ShareLM: paused").waitFor();
    await new Promise((r) => setTimeout(r, 3_000));
    assert.ok(!(await mine()).some((c) => c.clientConversationId.endsWith("0000000000f1")));
    await browser.setStorage({ paused: false, sitesOff: ["chatgpt"] });
    await page.reload();
    await new Promise((r) => setTimeout(r, 3_000));
    assert.ok(!(await mine()).some((c) => c.clientConversationId.endsWith("0000000000f1")));
    await browser.setStorage({ sitesOff: [] });
    await page.reload();
    await conversationFor("chatgpt:67a1b2c3-0000-4000-8000-0000000000f1");
    await page.close();
  });

  test("the toolbar icon tells each tab what happens there: the number held while sharing, off while paused", async () => {
    const page = await browser.context.newPage();
    await page.goto("https://chatgpt.com/c/67a1b2c3-0000-4000-8000-0000000000b1");
    await conversationFor("chatgpt:67a1b2c3-0000-4000-8000-0000000000b1");
    const worker = await browser.worker();
    const tabId = await worker.evaluate(async (url) => (await chrome.tabs.query({ url }))[0].id!, page.url());
    const badge = () => worker.evaluate(async (id) => [await chrome.action.getBadgeText({ tabId: id }), await chrome.action.getTitle({ tabId: id })], tabId);
    // The count the gateway gives once this capture is in (the badge is refreshed after every delivered capture).
    const held = String((await mine()).filter((c) => c.status === "held").length);
    await until(async () => (await badge())[0] === held ? true : undefined, 20_000, `the badge to show ${held} held`);
    assert.deepEqual(await badge(), [held, `ShareLM: sharing this chat (${held} held)`]);
    await browser.setStorage({ paused: true });
    await until(async () => (await badge())[0] === "off" ? true : undefined, 20_000, "the badge to say off");
    assert.deepEqual(await badge(), ["off", "ShareLM: paused"]);
    await browser.setStorage({ paused: false });
    await until(async () => (await badge())[0] === held ? true : undefined, 20_000, "the badge back to the count");
    await page.close();
  });

  test("a self-hosted Gradio added in the options is captured, with the permission for that one origin", async () => {
    // Served at the gateway's own origin: the extension holds that host permission already, so Chrome grants the
    // request without the prompt a headless browser cannot answer; the rest is the path a contributor takes.
    const site = `${stack.ingest}/self-hosted/`;
    await browser.context.route(`${site}**`, (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: fixtureHtml("gradio") }));
    const known = new Set((await mine()).map((c) => c.id));
    const before = await browser.context.newPage();
    await before.goto(site);
    await new Promise((r) => setTimeout(r, 2_500)); // the quiet period and then some: a capture would be sent by now
    assert.ok(!(await mine()).some((c) => !known.has(c.id)), "nothing is captured on a site not added");
    await before.close();

    const options = await browser.page("options.html");
    await options.getByLabel(/Add a self-hosted/).fill(`${stack.ingest}/some/page`);
    await options.getByRole("button", { name: "Add site" }).click();
    await options.getByText(`Added ${stack.ingest}.`).waitFor();
    assert.deepEqual((await browser.storage()).addedSites, [stack.ingest]);
    await options.getByRole("checkbox", { name: `${stack.ingest} (added)` }).waitFor();
    await options.close();

    const page = await browser.context.newPage();
    await page.goto(site);
    const captured = await until(async () => (await mine()).find((c) => !known.has(c.id)), 20_000, "the self-hosted chat's capture");
    assert.match(captured.clientConversationId, /^gradio:/);
    assert.equal(captured.messageCount, 2);
    await page.close();
  });

  test("with the gateway down, sends wait in the outbox; a service-worker restart loses nothing; each is delivered once", async () => {
    await stack.stopService("Ingest");
    const page = await browser.context.newPage();
    await page.goto("https://claude.ai/chat/0f0e0d0c-0b0a-4908-8706-0504030201f2");
    await until(async () => ((await browser.storage()).outbox as unknown[] | undefined)?.length === 1, 20_000, "the send to wait in the outbox");
    // The worker goes away while the send waits (reloading the extension ends it for good and starts a new one).
    await browser.stopWorker();
    await stack.start("Ingest");
    const delivered = await until(async () => (await mine()).find((c) => c.clientConversationId.endsWith("0504030201f2")), 90_000, "delivery after the gateway came back");
    assert.equal(delivered.revision, 1);
    await until(async () => ((await browser.storage()).outbox as unknown[]).length === 0, 20_000, "the outbox to empty");
    await page.close();
  });

  test("the options page exports my data as a file and rotates my token; a refused token sends me back to onboarding", async () => {
    const options = await browser.page("options.html");
    const download = options.waitForEvent("download");
    await options.getByRole("button", { name: "Export my data" }).click();
    const file = await download;
    const exported = JSON.parse(await new Response(await file.createReadStream() as unknown as ReadableStream).text());
    assert.equal(exported.contributorId, (await browser.storage()).contributorId);
    assert.ok(exported.conversations.length >= 5, `${exported.conversations.length} conversations exported`);

    const before = await token();
    await options.getByRole("button", { name: "Rotate my token" }).click();
    await options.getByText("A new token is in use").waitFor();
    const after = await token();
    assert.notEqual(after, before);
    assert.equal((await fetch(`${stack.ingest}/v1/conversations`, { headers: { authorization: `Bearer ${before}` } })).status, 401);
    assert.equal((await fetch(`${stack.ingest}/v1/conversations`, { headers: { authorization: `Bearer ${after}` } })).status, 200);

    // A token the gateway no longer accepts: the next send is refused with 401, and onboarding opens again.
    await browser.setStorage({ token: before });
    const onboardingOpened = browser.context.waitForEvent("page", { predicate: (p) => p.url().endsWith("/onboarding.html"), timeout: 30_000 });
    const page = await browser.context.newPage();
    await page.goto("https://gemini.google.com/app/1a2b3c4d5ef4");
    await onboardingOpened;
    await until(async () => (await browser.storage()).token === undefined, 10_000, "the refused token to be forgotten");
    await browser.setStorage({ token: after });
    await page.close();
    await options.close();
  });

  test("deleting my account from the options erases everything and forgets the token", async () => {
    const old = await token();
    const options = await browser.page("options.html");
    options.on("dialog", (dialog) => void dialog.accept());
    await options.getByRole("button", { name: /Delete my account/ }).click();
    await options.getByText("Your account and every conversation are being erased.").waitFor();
    assert.deepEqual(await browser.storage(), {});
    assert.equal((await fetch(`${stack.ingest}/v1/conversations`, { headers: { authorization: `Bearer ${old}` } })).status, 401);
    await options.close();
  });
});
