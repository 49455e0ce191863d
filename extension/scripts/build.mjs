// Builds extension/dist (load it unpacked): the TypeScript bundled with esbuild, the pages and the manifest with
// the gateway it talks to by default (SHARELM_GATEWAY_URL, else the local stack that deploy/local/up.sh runs).
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { icon } from "./png.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const gateway = new URL(process.env.SHARELM_GATEWAY_URL || "http://127.0.0.1:5080");

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const common = {
  bundle: true,
  target: "chrome120",
  sourcemap: false,
  logLevel: "warning",
  define: { BUILD_GATEWAY_URL: JSON.stringify(gateway.origin) },
};
await build({ ...common, entryPoints: [join(root, "src/background.ts")], outfile: join(dist, "background.js"), format: "esm" });
// Content scripts cannot be modules.
await build({ ...common, entryPoints: [join(root, "src/content/content.ts")], outfile: join(dist, "content.js"), format: "iife" });
for (const page of ["onboarding", "popup", "options"]) {
  await build({ ...common, entryPoints: [join(root, `src/pages/${page}.ts`)], outfile: join(dist, `${page}.js`), format: "esm" });
  copyFileSync(join(root, `src/pages/${page}.html`), join(dist, `${page}.html`));
}
copyFileSync(join(root, "src/pages/pages.css"), join(dist, "pages.css"));

mkdirSync(join(dist, "icons"));
for (const size of [16, 32, 48, 128]) writeFileSync(join(dist, "icons", `${size}.png`), icon(size));

const manifest = readFileSync(join(root, "src/manifest.json"), "utf8").replaceAll("__GATEWAY_ORIGIN__", gateway.origin);
writeFileSync(join(dist, "manifest.json"), manifest);
console.log(`extension built in ${dist} for the gateway ${gateway.origin}`);
