// The content script's cost on a chat page, measured in Debian's Chromium (printed figures, not a test): a
// 500-turn conversation whose last response streams in, a few words every 50 ms. Per page update it times the
// work the content script does on the page's main thread (its MutationObserver callback, and the debounced read
// of the whole conversation when the page is quiet), and it samples the JavaScript heap to show whether memory
// grows while the response streams. Baseline in the same run: the same page and stream with no observer at all.
//   npm run bench -- [--minutes M]   (default 1; the target is stated for 10)

import { build } from "esbuild";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { chromiumPath } from "./browser.js";

const minutes = Number(process.argv[process.argv.indexOf("--minutes") + 1]) || 1;
const turns = 500;

// The same modules the content script bundles (adapters, extraction, identity), exposed to the page for timing.
const probe = await build({
  entryPoints: [join(import.meta.dirname, "bench-page.ts")],
  bundle: true, write: false, format: "iife", target: "chrome120",
});
const probeSource = probe.outputFiles[0].text;

function page(): string {
  const rows: string[] = [];
  for (let i = 0; i < turns - 1; i++) {
    rows.push(i % 2 === 0
      ? `<div data-message-author-role="user"><div class="whitespace-pre-wrap">Question ${i}: how does this work in detail?</div></div>`
      : `<div data-message-author-role="assistant"><div class="markdown"><p>${"An answer of a paragraph or so, as models write them. ".repeat(8)}</p><pre><code>const x = ${i};</code></pre></div></div>`);
  }
  rows.push(`<div data-message-author-role="assistant"><div class="markdown"><p id="streaming"></p></div></div>`);
  return `<!doctype html><html><head><title>bench</title></head><body><main id="thread">${rows.join("")}</main></body></html>`;
}

interface Stat { count: number; p50: number; p99: number; max: number }
interface Run { update: Stat; firstRead: number; read: Stat; heapStartMiB: number; heapSettledMiB: number; heapEndMiB: number; heapMaxMiB: number; heapByMinuteMiB: number[] }

async function measure(observe: boolean): Promise<Run> {
  const profile = mkdtempSync(join(tmpdir(), "sharelm-bench-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(), headless: true, args: ["--no-sandbox", "--enable-precise-memory-info", "--js-flags=--expose-gc"],
  });
  try {
    await context.route("https://chatgpt.com/**", (route) => route.fulfill({ contentType: "text/html", body: page() }));
    const tab = await context.newPage();
    await tab.goto("https://chatgpt.com/c/bench-0000-4000-8000-000000000000");
    await tab.addScriptTag({ content: probeSource });
    return await tab.evaluate(({ observe, seconds }) => (window as unknown as { sharelmRun: (o: boolean, s: number) => Promise<Run> }).sharelmRun(observe, seconds), { observe, seconds: minutes * 60 });
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

const baseline = await measure(false);
const withExtension = await measure(true);
const round = (n: number) => Math.round(n * 1000) / 1000;
console.log(JSON.stringify({
  page: { turns, streaming_minutes: minutes },
  // Every page update runs the observer callback; the whole conversation is read once the page is quiet.
  observer_ms_per_update: { count: withExtension.update.count, p50: round(withExtension.update.p50), p99: round(withExtension.update.p99), max: round(withExtension.update.max) },
  // The first read walks every turn (nothing is cached yet); later ones walk only the turns that changed.
  first_read_ms: round(withExtension.firstRead),
  read_ms_when_quiet: { count: withExtension.read.count, p50: round(withExtension.read.p50), p99: round(withExtension.read.p99), max: round(withExtension.read.max) },
  // After a full collection each: at the start, after the first quiet read (every turn's text cached: a one-time
  // cost), and at the end. Growth is end minus settled.
  heap_mib: { with_extension: { start: round(withExtension.heapStartMiB), settled: round(withExtension.heapSettledMiB), end: round(withExtension.heapEndMiB), max: round(withExtension.heapMaxMiB),
    growth_after_settled: round(withExtension.heapEndMiB - withExtension.heapSettledMiB), by_minute: withExtension.heapByMinuteMiB },
  baseline_no_observer: { start: round(baseline.heapStartMiB), settled: round(baseline.heapSettledMiB), end: round(baseline.heapEndMiB), max: round(baseline.heapMaxMiB),
    growth_after_settled: round(baseline.heapEndMiB - baseline.heapSettledMiB), by_minute: baseline.heapByMinuteMiB } },
  target: "p99 < 4 ms per update; no heap growth over 10 minutes of streaming",
}, null, 2));
