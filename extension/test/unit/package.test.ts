import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { test } from "node:test";
import { crc32, inflateRawSync } from "node:zlib";

const root = join(import.meta.dirname, "..", "..");
const dist = join(root, "dist");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]);
}

test("npm run package zips every built file, each one reading back as it was built", { skip: !existsSync(join(dist, "manifest.json")) && "build first" }, () => {
  const folder = mkdtempSync(join(tmpdir(), "sharelm-package-"));
  try {
    const out = join(folder, "extension.zip");
    execFileSync(process.execPath, [join(root, "scripts/package.mjs")], { env: { ...process.env, SHARELM_PACKAGE_OUT: out }, stdio: "pipe" });
    const zip = readFileSync(out);
    // Read it back the way an unzipper does: the end record, then the central directory, then each local entry.
    const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    const count = zip.readUInt16LE(end + 10);
    let at = zip.readUInt32LE(end + 16);
    const read = new Map<string, Buffer>();
    for (let i = 0; i < count; i++) {
      assert.equal(zip.readUInt32LE(at), 0x02014b50);
      const nameLength = zip.readUInt16LE(at + 28), local = zip.readUInt32LE(at + 42);
      const name = zip.subarray(at + 46, at + 46 + nameLength).toString("utf8");
      const size = zip.readUInt32LE(local + 18), crc = zip.readUInt32LE(local + 14);
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = inflateRawSync(zip.subarray(start, start + size));
      assert.equal(crc32(data), crc, name);
      read.set(name, data);
      at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    }
    const built = files(dist).map((path) => relative(dist, path).split(sep).join("/")).sort();
    assert.deepEqual([...read.keys()].sort(), built);
    for (const name of built) assert.ok(read.get(name)!.equals(readFileSync(join(dist, name))), name);
    const manifest = JSON.parse(read.get("manifest.json")!.toString("utf8"));
    for (const path of Object.values<string>(manifest.icons)) assert.ok(read.has(path), `icon ${path}`);
    // A PNG, of the size its name says.
    const png = read.get("icons/128.png")!;
    assert.equal(png.subarray(1, 4).toString("ascii"), "PNG");
    assert.equal(png.readUInt32BE(16), 128);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
