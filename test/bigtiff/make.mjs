// Writes a tiled, uncompressed BigTIFF larger than 4 GiB (47,104 × 47,104 uint16, 512×512 tiles,
// EPSG:3857, 10 m pixels, origin 1,000,000 / 2,000,000) whose pixel (row, col) is
// (row * 7 + col * 13) mod 65536, so any window read from it can be checked exactly.
// Usage: node test/bigtiff/make.mjs FILE
import { closeSync, openSync, writeSync } from 'node:fs';

export const SIZE = 47104;
export const TILE = 512;
export const ORIGIN = [1_000_000, 2_000_000];
export const PIXEL = 10;
export const value = (row, col) => (row * 7 + col * 13) % 65536;

export function makeBigTiff(file) {
  const tilesAcross = SIZE / TILE;
  const nTiles = tilesAcross * tilesAcross;
  const tileBytes = TILE * TILE * 2;
  const entries = [];
  const extra = []; // [tag, type, count, Buffer] written after the IFD
  const SHORT = 3,
    LONG = 4,
    DOUBLE = 12,
    LONG8 = 16;
  const short = (tag, v) => entries.push([tag, SHORT, 1, v]);
  const long = (tag, v) => entries.push([tag, LONG, 1, v]);
  const arr = (tag, type, buf, count) => extra.push([tag, type, count, buf]);
  long(256, SIZE);
  long(257, SIZE);
  short(258, 16);
  short(259, 1);
  short(262, 1);
  short(277, 1);
  short(284, 1);
  long(322, TILE);
  long(323, TILE);
  short(339, 1);
  const scale = Buffer.alloc(24);
  [PIXEL, PIXEL, 0].forEach((v, i) => scale.writeDoubleLE(v, i * 8));
  const tie = Buffer.alloc(48);
  [0, 0, 0, ORIGIN[0], ORIGIN[1], 0].forEach((v, i) => tie.writeDoubleLE(v, i * 8));
  const keys = [1, 1, 0, 3, 1024, 0, 1, 1, 1025, 0, 1, 1, 3072, 0, 1, 3857];
  const geo = Buffer.alloc(keys.length * 2);
  keys.forEach((v, i) => geo.writeUInt16LE(v, i * 2));
  arr(33550, DOUBLE, scale, 3);
  arr(33922, DOUBLE, tie, 6);
  arr(34735, SHORT, geo, keys.length);
  const offsets = Buffer.alloc(nTiles * 8);
  const counts = Buffer.alloc(nTiles * 8);
  arr(324, LONG8, offsets, nTiles);
  arr(325, LONG8, counts, nTiles);
  const nEntries = entries.length + extra.length;
  const ifdSize = 8 + nEntries * 20 + 8;
  let pos = 16 + ifdSize;
  const extraAt = extra.map(([, , , buf]) => {
    const at = pos;
    pos += buf.length + (buf.length % 8 ? 8 - (buf.length % 8) : 0);
    return at;
  });
  const dataStart = Math.ceil(pos / 4096) * 4096;
  for (let t = 0; t < nTiles; t++) {
    offsets.writeBigUInt64LE(BigInt(dataStart + t * tileBytes), t * 8);
    counts.writeBigUInt64LE(BigInt(tileBytes), t * 8);
  }
  const head = Buffer.alloc(dataStart);
  head.write('II', 0, 'latin1');
  head.writeUInt16LE(43, 2);
  head.writeUInt16LE(8, 4);
  head.writeBigUInt64LE(16n, 8);
  const all = [...entries.map((e) => ({ e })), ...extra.map((x, i) => ({ x, at: extraAt[i] }))].sort((a, b) => (a.e ?? a.x)[0] - (b.e ?? b.x)[0]);
  head.writeBigUInt64LE(BigInt(nEntries), 16);
  all.forEach((it, i) => {
    const o = 24 + i * 20;
    const [tag, type, count] = it.e ?? it.x;
    head.writeUInt16LE(tag, o);
    head.writeUInt16LE(type, o + 2);
    head.writeBigUInt64LE(BigInt(count), o + 4);
    if (it.e) {
      if (type === SHORT) head.writeUInt16LE(it.e[3], o + 12);
      else head.writeUInt32LE(it.e[3], o + 12);
    } else {
      head.writeBigUInt64LE(BigInt(it.at), o + 12);
      it.x[3].copy(head, it.at);
    }
  });
  head.writeBigUInt64LE(0n, 24 + nEntries * 20);
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, head, 0, head.length, 0);
    const row = new Uint16Array(tilesAcross * TILE * TILE);
    const rowBuf = Buffer.from(row.buffer);
    for (let ty = 0; ty < tilesAcross; ty++) {
      for (let tx = 0; tx < tilesAcross; tx++) {
        const base = tx * TILE * TILE;
        for (let y = 0; y < TILE; y++) {
          const r = ty * TILE + y;
          let v = (r * 7 + tx * TILE * 13) % 65536;
          const o = base + y * TILE;
          for (let x = 0; x < TILE; x++) {
            row[o + x] = v;
            v = (v + 13) & 0xffff;
          }
        }
      }
      writeSync(fd, rowBuf, 0, rowBuf.length, dataStart + ty * tilesAcross * tileBytes);
    }
  } finally {
    closeSync(fd);
  }
  return dataStart + nTiles * tileBytes;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const t0 = Date.now();
  const bytes = makeBigTiff(process.argv[2]);
  console.log(`wrote ${process.argv[2]}: ${(bytes / 2 ** 30).toFixed(2)} GiB in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
