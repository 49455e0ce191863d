// Runs in the chat page, bundled by esbuild (bench.ts): what content.ts does on each page update, timed.
import { adapterFor } from "../../src/content/adapters.js";
import { extract, forgetChanged } from "../../src/content/extract.js";
import { fingerprint, identify } from "../../src/content/identity.js";

const p = { adapterFor, extract, forgetChanged, identify, fingerprint } as any;

(window as any).sharelmRun = async (observe: boolean, seconds: number) => {

      const url = new URL(location.href);
      const adapter = p.adapterFor(url, document);
      // Preallocated, so the measurement itself does not grow the heap it measures.
      const costs = new Float64Array(Math.ceil(seconds * 40));
      let costCount = 0;
      const reads = new Float64Array(Math.ceil(seconds));
      let readCount = 0;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let tracked: unknown;
      const texts = new WeakMap<Element, string>();
      // What content.ts does: an observer callback per batch of mutations (forgetting the turns they touched), and one
      // read when quiet (1.2 s), which walks again only those turns.
      const check = () => {
        const t0 = performance.now();
        const found = p.extract(adapter, document, url, {}, texts);
        if (!found.streaming) tracked = p.identify(adapter.id, found.turns, found.platformId, tracked, () => "id");
        found.turns.map(p.fingerprint).join(".");
        if (readCount < reads.length) reads[readCount++] = performance.now() - t0;
      };
      if (observe) {
        new MutationObserver((records) => {
          const t0 = performance.now();
          p.forgetChanged(adapter, texts, records);
          if (timer !== undefined) clearTimeout(timer);
          timer = setTimeout(check, 1_200);
          if (costCount < costs.length) costs[costCount++] = performance.now() - t0;
        }).observe(document.documentElement, { subtree: true, childList: true, characterData: true });
      }
      const heap = () => ((performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize) / 1048576;
      const target = document.getElementById("streaming")!;
      (window as unknown as { gc?: () => void }).gc?.();
      const heapStart = heap();
      let heapMax = heapStart;
      // The heap once the first quiet read has cached every turn's text: what stays from then on is not growth.
      let heapSettled: number | undefined;
      // After a full collection each minute: whether the heap levels off or keeps growing.
      const byMinute: number[] = [];
      let nextMinute = performance.now() + 60_000;
      const end = performance.now() + seconds * 1000;
      let words = 0;
      while (performance.now() < end) {
        // A response streams: a few words every 50 ms, and now and then a pause long enough for the debounce.
        target.append(document.createTextNode(` word${words++} and more`));
        if (words % 2000 === 0) { target.textContent = ""; }
        await new Promise((r) => setTimeout(r, words % 200 === 0 ? 1_500 : 50));
        if (words % 100 === 0) heapMax = Math.max(heapMax, heap());
        if (performance.now() >= nextMinute) {
          (window as unknown as { gc?: () => void }).gc?.();
          byMinute.push(Math.round(heap() * 1000) / 1000);
          nextMinute += 60_000;
        }
        if (heapSettled === undefined && words === 400) {
          (window as unknown as { gc?: () => void }).gc?.();
          heapSettled = heap();
        }
      }
      (window as unknown as { gc?: () => void }).gc?.();
      const stat = (values: Float64Array) => {
        const sorted = Array.from(values).sort((a, b) => a - b);
        const at = (q: number) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0;
        return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0 };
      };
      const heapEnd = heap(); // before the figures below are sorted: those arrays are the benchmark's, not the page's
      return { update: stat(costs.subarray(0, costCount)), firstRead: reads[0] ?? 0, read: stat(reads.subarray(1, readCount)),
        heapStartMiB: heapStart, heapSettledMiB: heapSettled ?? heapStart, heapEndMiB: heapEnd, heapMaxMiB: heapMax, heapByMinuteMiB: byMinute };
    };
