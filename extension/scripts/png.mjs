// The extension's icon, drawn in code at each size the manifest names (a white speech bubble on the blue of the
// pages), so the repository holds no binary and the build needs no image tool.
import { crc32, deflateSync } from "node:zlib";

const Blue = [0x2b, 0x6c, 0xb0];

/** Coverage (0..1) of the icon's shapes at a point of the unit square: 1 inside the bubble. */
function bubble(x, y) {
  const inRoundRect = (left, top, right, bottom, r) => {
    const cx = Math.min(Math.max(x, left + r), right - r);
    const cy = Math.min(Math.max(y, top + r), bottom - r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r && x >= left && x <= right && y >= top && y <= bottom;
  };
  if (inRoundRect(0.18, 0.2, 0.82, 0.66, 0.12)) {
    // Three "lines of text" cut out of the bubble.
    const line = (top, right) => y >= top && y <= top + 0.05 && x >= 0.3 && x <= right;
    return line(0.31, 0.7) || line(0.41, 0.7) || line(0.51, 0.56) ? 0 : 1;
  }
  // The tail: a triangle below the bubble's left side.
  return y > 0.66 && y < 0.84 && x > 0.3 && x < 0.46 - (y - 0.66) * 0.9 ? 1 : 0;
}

function background(x, y) {
  const r = 0.2; // a rounded square
  const cx = Math.min(Math.max(x, r), 1 - r);
  const cy = Math.min(Math.max(y, r), 1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r ? 1 : 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** The icon as an RGBA PNG of size × size pixels, each pixel sampled 4 × 4 times for smooth edges. */
export function icon(size) {
  const rows = [];
  const samples = 4;
  for (let py = 0; py < size; py++) {
    const row = Buffer.alloc(1 + size * 4); // filter byte 0: none
    for (let px = 0; px < size; px++) {
      let bg = 0, fg = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) / size, y = (py + (sy + 0.5) / samples) / size;
          const b = background(x, y);
          bg += b;
          fg += b * bubble(x, y);
        }
      }
      const n = samples * samples, white = fg / Math.max(bg, 1);
      const o = 1 + px * 4;
      for (let c = 0; c < 3; c++) row[o + c] = Math.round(Blue[c] + (255 - Blue[c]) * white);
      row[o + 3] = Math.round((255 * bg) / n);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bits per channel
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
