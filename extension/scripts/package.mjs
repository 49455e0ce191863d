// Zips extension/dist for the Chrome Web Store (extension/sharelm-extension.zip). Written here with Node's zlib
// (deflate and CRC-32) rather than the system's zip, which a fresh machine may not have.
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { crc32, deflateRawSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const out = process.env.SHARELM_PACKAGE_OUT || join(root, "sharelm-extension.zip");

function files(dir) {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

// A fixed time (1980-01-01, the format's epoch) so the same build makes the same archive.
const dosTime = 0, dosDate = (0 << 9) | (1 << 5) | 1;
const locals = [], centrals = [];
let offset = 0;
for (const path of files(dist)) {
  const name = Buffer.from(relative(dist, path).split(sep).join("/"), "utf8");
  const data = readFileSync(path);
  const packed = deflateRawSync(data, { level: 9 });
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
  local.writeUInt16LE(0x0800, 6); // names are UTF-8
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt16LE(dosTime, 10);
  local.writeUInt16LE(dosDate, 12);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(packed.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  locals.push(local, name, packed);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4); // made by: 2.0
  local.copy(central, 6, 4, 30); // the same fields as the local header, from "version needed" to the name's length
  central.writeUInt32LE(0o100644 * 0x10000, 38); // external attributes: a regular file, rw-r--r--
  central.writeUInt32LE(offset, 42);
  centrals.push(central, name);
  offset += local.length + name.length + packed.length;
}
const directory = Buffer.concat(centrals);
const end = Buffer.alloc(22);
end.writeUInt32LE(0x06054b50, 0);
end.writeUInt16LE(centrals.length / 2, 8);
end.writeUInt16LE(centrals.length / 2, 10);
end.writeUInt32LE(directory.length, 12);
end.writeUInt32LE(offset, 16);
rmSync(out, { force: true });
writeFileSync(out, Buffer.concat([...locals, directory, end]));
console.log(`packaged ${relative(process.cwd(), out) || out}: ${centrals.length / 2} files, ${statSync(out).size} bytes`);
