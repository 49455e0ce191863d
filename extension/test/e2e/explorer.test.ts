// The Catalog's explorer in Debian's Chromium, against the real services: a reader finds a conversation by a word,
// reads it, copies its record, downloads the dataset; someone reports a conversation and an operator takes it down.
// Every page is checked with axe-core (WCAG 2.1 A and AA rules) and must have no violation.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { chromiumPath } from "./browser.js";
import { Stack, until } from "./stack.js";

const run = promisify(execFile);
const repo = join(import.meta.dirname, "..", "..", "..");
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const shots = process.env.SHARELM_SCREENSHOTS;

const stack = new Stack("00:10:00");
let browser: Browser;
let context: BrowserContext;
let token: string;
const word = `quokkabridge${Date.now().toString(36)}`;
const ids: Record<string, string> = {};

async function capture(clientId: string, model: string, rating: string | null, turns: [string, string, number | null][]): Promise<string> {
  const response = await fetch(`${stack.ingest}/v1/conversations`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ conversationId: clientId, pageUrl: `https://chatgpt.com/c/${clientId}`, model, rating,
      messages: turns.map(([role, content, r]) => ({ role, content, rating: r })) }),
  });
  const body = await response.text();
  assert.equal(response.status, 202, body);
  const id = JSON.parse(body).id as string;
  const publish = await fetch(`${stack.ingest}/v1/conversations/${id}/publish`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
  assert.equal(publish.status, 202);
  await until(async () => (await fetch(`${stack.catalog}/v1/records/${id}`)).ok, 30_000, `conversation ${clientId} to be public`);
  return id;
}

/** axe-core's WCAG 2.1 A/AA rules on the page as it is: no violation allowed. */
async function assertAccessible(page: Page): Promise<void> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    // @ts-expect-error axe is the script just evaluated
    const result = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } });
    return result.violations.map((v: { id: string; help: string; nodes: { target: string[] }[] }) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  });
  assert.deepEqual(violations, [], `${page.url()} has accessibility violations`);
}

async function ops(...args: string[]): Promise<string> {
  const dll = join(repo, "tools", "ShareLM.Ops", "bin", "Release", "net10.0", "sharelm-ops.dll");
  const { stdout } = await run("dotnet", [dll, ...args], { env: { ...process.env, ...stack.settings() }, timeout: 180_000 });
  return stdout;
}

before(async () => {
  await stack.startAll();
  const registered = await fetch(`${stack.ingest}/v1/contributors`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ termsVersion: "2024-07", ageConfirmed: true }),
  });
  token = (await registered.json()).token;
  ids.found = await capture("explorer-found", "gpt-4o", "up", [
    ["user", `What is a ${word} and where could I see one?`, null],
    ["assistant", "It is a made-up bridge named after a marsupial; you can see one only in this test.", 1],
    ["user", "Can you write me an e-mail to ask about it? Mine is someone@example.com.", null],
    ["assistant", "Dear team, I would like to know more about the bridge. Best regards, [EMAIL]", -1],
  ]);
  ids.other = await capture("explorer-other", "claude-3-5-sonnet", "down", [
    ["user", "Explique-moi comment fonctionne la photosynthèse, s'il te plaît.", null],
    ["assistant", "Les plantes transforment la lumière en énergie chimique.", 0],
  ]);
  ids.reported = await capture("explorer-reported", "gemini-1.5-pro", null, [
    ["user", "Here is my neighbour's full name and street, can you find their phone number?", null],
    ["assistant", "I can't help with finding someone's private contact details.", null],
  ]);
  browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: ["--no-sandbox", "--disable-gpu"] });
  context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: stack.catalog });
});

after(async () => {
  await browser?.close();
  await stack.stop();
});

describe("the explorer", { concurrency: 1 }, () => {
  test("home shows the collection's totals and its charts", async () => {
    const page = await context.newPage();
    // The stats are recomputed at most every few seconds: wait until they count all three.
    await until(async () => {
      await page.goto(`${stack.catalog}/`);
      return (await page.locator(".totals dd").first().textContent())?.trim() === "3";
    }, 30_000, "the home page to count three public conversations");
    assert.equal(await page.locator("h1").count(), 1);
    assert.equal(await page.locator("svg[role=img]").count(), 5);
    assert.ok(await page.getByRole("img", { name: "Top models" }).isVisible());
    assert.ok((await page.locator("main").textContent())!.includes("gemini-1.5-pro"));
    await assertAccessible(page);
    if (shots) await page.screenshot({ path: `${shots}/explorer-home.png`, fullPage: true });
    await page.close();
  });

  test("a word typed in the search box finds its conversation; filters make a shareable URL", async () => {
    const page = await context.newPage();
    await page.goto(`${stack.catalog}/conversations`);
    assert.equal(await page.locator(".results li").count(), 3);
    // The search index is made within a second of publication.
    await until(async () => (await fetch(`${stack.catalog}/conversations?q=${word}`).then((r) => r.text())).includes(`/conversations/${ids.found}`), 20_000, "the search index");
    await page.getByLabel("Words in the conversation").fill(word);
    await page.getByLabel("Words in the conversation").press("Enter");
    await page.waitForURL(/q=/);
    const results = page.locator(".results li");
    assert.equal(await results.count(), 1);
    assert.ok((await results.first().textContent())!.includes(word));

    await page.getByLabel("Model").fill("claude-3-5-sonnet");
    await page.getByLabel("Words in the conversation").fill("");
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(/model=claude-3-5-sonnet/);
    assert.equal(await page.locator(".results li").count(), 1);
    // The URL alone brings the same page back.
    const shared = await context.newPage();
    await shared.goto(page.url());
    assert.equal(await shared.locator(".results li a").getAttribute("href"), `/conversations/${ids.other}`);
    await shared.close();
    await page.goto(`${stack.catalog}/conversations?language=fr`);
    assert.equal(await page.locator(".results li").count(), 1);
    await page.goto(`${stack.catalog}/conversations`);
    await assertAccessible(page);
    if (shots) await page.screenshot({ path: `${shots}/explorer-browse.png`, fullPage: true });
    await page.close();
  });

  test("a conversation reads as a chat with its ratings and redaction marks, and copies as JSON", async () => {
    const page = await context.newPage();
    await page.goto(`${stack.catalog}/conversations?q=${word}`);
    await page.locator(".results li a").first().click();
    await page.waitForURL(`**/conversations/${ids.found}`);
    assert.equal(await page.locator("article.turn").count(), 4);
    assert.ok(await page.getByText("rated +1").isVisible());
    assert.ok(await page.getByText("rated −1").isVisible());
    assert.equal(await page.locator("mark").first().textContent(), "[EMAIL]");
    assert.ok(!(await page.content()).includes("someone@example.com"));
    await page.getByRole("button", { name: "Copy as JSON" }).click();
    await until(async () => (await page.locator(".copied").textContent()) === "Copied.", 5_000, "the copy");
    const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
    assert.equal(copied.conversation_id, ids.found);
    assert.equal(copied.model_name, "gpt-4o");
    await assertAccessible(page);
    if (shots) await page.screenshot({ path: `${shots}/explorer-conversation.png`, fullPage: true });
    await page.close();
  });

  test("the download page links the snapshots and its examples", async () => {
    const page = await context.newPage();
    await page.goto(`${stack.catalog}/download`);
    assert.equal(await page.locator("a[href='/v1/dataset.parquet']").count(), 1);
    assert.ok((await page.locator("#example-duckdb").textContent())!.includes(`${stack.catalog}/v1/dataset.parquet`));
    const download = page.waitForEvent("download");
    await page.locator("a[href='/v1/dataset.jsonl']").click();
    const lines = readFileSync(await (await download).path(), "utf8").trim().split("\n");
    assert.equal(lines.length, 3);

    // What a reader does with an example: copy it with its button and run it as it is.
    await page.locator("button[data-copy='example-curl']").click();
    const script = await page.evaluate(() => navigator.clipboard.readText());
    assert.ok(script.includes(`curl -sS -D headers.txt -o sharelm.jsonl ${stack.catalog}/v1/dataset.jsonl`), script);
    const work = mkdtempSync(join(tmpdir(), "sharelm-example-"));
    try {
      const { stdout } = await run("bash", ["-c", script], { cwd: work, timeout: 60_000 });
      assert.equal(readFileSync(join(work, "sharelm.jsonl"), "utf8").trim().split("\n").length, 3);
      // The changes after the snapshot's cursor: none here, or lines of the feed.
      for (const line of stdout.split("\n").filter((l) => l.length > 0)) assert.ok(line.startsWith('{"cursor":'), line);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    await assertAccessible(page);
    await page.close();
  });

  test("a report an operator resolves as a take-down removes the conversation", async () => {
    const page = await context.newPage();
    await page.goto(`${stack.catalog}/conversations/${ids.reported}`);
    await page.getByRole("link", { name: "report this conversation" }).click();
    await assertAccessible(page);
    await page.getByLabel("It contains someone else's personal information").check();
    await page.getByLabel(/What is wrong with it/).fill("It names my neighbour and their street.");
    await page.getByLabel(/How can we reach you/).fill("neighbour@example.org");
    await page.getByRole("button", { name: "Send the report" }).click();
    await page.getByRole("heading", { name: "Thank you: the report was received" }).waitFor();
    const reportId = /Report ([0-9a-f-]{36})/.exec((await page.locator("main").textContent())!)![1];

    const listed = await ops("reports", "list");
    assert.ok(listed.includes(reportId) && listed.includes(ids.reported), listed);
    await ops("reports", "resolve", reportId, "--takedown", "--note", "names a third party");

    await until(async () => (await page.goto(`${stack.catalog}/conversations/${ids.reported}`))!.status() === 410, 30_000, "the take-down");
    await page.getByRole("heading", { name: "This conversation was removed" }).waitFor();
    await assertAccessible(page);
    const feed = await stack.feed();
    assert.ok(feed.some((e) => e.op === "delete" && e.conversation_id === ids.reported));
    assert.ok(!(await ops("reports", "list")).includes(reportId));
    await page.close();
  });
});
