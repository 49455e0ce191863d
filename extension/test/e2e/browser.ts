// Debian's Chromium with the built extension loaded, driven by Playwright (no browser is downloaded). Fixture
// pages are served at the real sites' URLs with route(), so the content scripts match exactly as in production.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page, type Worker } from "playwright-core";
import { until } from "./stack.js";

const extension = join(import.meta.dirname, "..", "..");
const dist = join(extension, "dist");

export function buildFor(gateway: string): void {
  execFileSync("node", [join(extension, "scripts", "build.mjs")], { env: { ...process.env, SHARELM_GATEWAY_URL: gateway }, stdio: "pipe" });
}

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || "/usr/bin/chromium";
}

export const FixtureUrls: Record<string, string> = {
  chatgpt: "https://chatgpt.com/c/67a1b2c3-0000-4000-8000-0000000000e2",
  claude: "https://claude.ai/chat/0f0e0d0c-0b0a-4908-8706-0504030201e2",
  gemini: "https://gemini.google.com/app/1a2b3c4d5ee2",
  chatui: "https://huggingface.co/chat/conversation/66aa77bb88cc99e2",
  gradio: "https://someone-demo.hf.space/",
};

/** A fixture page, with a hook the tests use to add a turn the way the chat UI would. */
export function fixtureHtml(name: string): string {
  return readFileSync(join(extension, "test", "fixtures", `${name}.html`), "utf8");
}

export class Browser {
  private constructor(readonly context: BrowserContext, readonly profile: string) {}

  static async launch(): Promise<Browser> {
    const profile = mkdtempSync(join(tmpdir(), "sharelm-chromium-"));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath(),
      headless: true,
      args: [`--disable-extensions-except=${dist}`, `--load-extension=${dist}`, "--no-sandbox", "--no-first-run", "--disable-gpu"],
    });
    const browser = new Browser(context, profile);
    for (const [name, url] of Object.entries(FixtureUrls)) {
      const origin = new URL(url).origin;
      await context.route(`${origin}/**`, (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: fixtureHtml(name) }));
    }
    return browser;
  }

  /** The extension's current service worker (the newest, after a restart). */
  async worker(): Promise<Worker> {
    return until(async () => this.context.serviceWorkers().filter((w) => w.url().startsWith("chrome-extension://")).at(-1), 30_000, "the service worker");
  }

  async extensionId(): Promise<string> {
    return new URL((await this.worker()).url()).host;
  }

  async page(path: string): Promise<Page> {
    const page = await this.context.newPage();
    await page.goto(`chrome-extension://${await this.extensionId()}/${path}`);
    return page;
  }

  /** What the extension keeps in chrome.storage.local (read from its service worker). */
  async storage(): Promise<Record<string, unknown>> {
    return (await this.worker()).evaluate(() => chrome.storage.local.get(null));
  }

  async setStorage(values: Record<string, unknown>): Promise<void> {
    await (await this.worker()).evaluate((v) => chrome.storage.local.set(v), values);
  }

  /**
   * Stops the extension's service worker as Chrome does an idle one: its next event (an alarm, a message) starts a
   * new one, with nothing but what is in storage.
   */
  async stopWorker(): Promise<void> {
    const cdp = await this.context.browser()!.newBrowserCDPSession();
    const { targetInfos } = await cdp.send("Target.getTargets") as { targetInfos: { targetId: string; type: string; url: string }[] };
    const worker = targetInfos.find((t) => t.type === "service_worker" && t.url.startsWith("chrome-extension://"));
    if (!worker) throw new Error("no service worker to stop");
    await cdp.send("Target.closeTarget", { targetId: worker.targetId });
    await until(async () => {
      const { targetInfos: now } = await cdp.send("Target.getTargets") as { targetInfos: { targetId: string }[] };
      return !now.some((t) => t.targetId === worker.targetId);
    }, 10_000, "the worker to stop");
    await cdp.detach();
  }

  async close(): Promise<void> {
    await this.context.close();
    rmSync(this.profile, { recursive: true, force: true });
  }
}
