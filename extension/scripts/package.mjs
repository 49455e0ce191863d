// Zips extension/dist for the Chrome Web Store (extension/sharelm-extension.zip), with the system's zip.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const zip = join(root, "sharelm-extension.zip");
rmSync(zip, { force: true });
execFileSync("zip", ["-qr", zip, "."], { cwd: join(root, "dist"), stdio: "inherit" });
console.log(`packaged ${zip}`);
