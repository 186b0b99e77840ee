/**
 * The tile index of a tiled GeoTIFF or COG (classic TIFF or BigTIFF, either byte order): for the
 * full-resolution image and each reduced-resolution image (overviews; masks skipped), its size, tile
 * size and each tile's byte offset and count — read from the header through any byte reader, so the
 * host knows which bytes a window needs before GDAL asks for them. Strip-organised images, or files
 * whose images do not match the raster GDAL described, give null (the caller keeps the plain path).
 */

export interface TiffLevel {
  width: number;
  height: number;
  tileWidth: number;
  tileHeight: number;
  /** Planes: 1 (chunky) or the sample count (planar, tiles of plane p after those of plane p - 1). */
  planes: number;
  offsets: Float64Array;
  counts: Float64Array;
}

export type ByteRead = (start: number, length: number) => Promise<Uint8Array>;

/** Header bytes read at most (IFDs and their arrays): a hostile file cannot make the host read more. */
const MAX_HEADER_BYTES = 16 << 20;
const MAX_IFDS = 64;

const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 16: 8, 17: 8, 18: 8 };

/** The levels of a tiled TIFF, finest first; null when it is not a tiled TIFF this can index. */
export async function readTiffIndex(read: ByteRead, fileSize: number): Promise<TiffLevel[] | null> {
  let budget = MAX_HEADER_BYTES;
  const get = async (start: number, length: number): Promise<DataView> => {
    if (start < 0 || length < 0 || start + length > fileSize || (budget -= length) < 0) throw new RangeError('outside the header');
    const b = await read(start, length);
    return new DataView(b.buffer, b.byteOffset, b.byteLength);
  };
  try {
    const head = await get(0, 16);
    const le = head.getUint16(0) === 0x4949;
    if (!le && head.getUint16(0) !== 0x4d4d) return null;
    const magic = head.getUint16(2, le);
    const big = magic === 43;
    if (!big && magic !== 42) return null;
    const u64 = (v: DataView, o: number) => Number(v.getBigUint64(o, le));
    let next = big ? u64(head, 8) : head.getUint32(4, le);
    const levels: TiffLevel[] = [];
    for (let n = 0; next && n < MAX_IFDS; n++) {
      const countBytes = big ? 8 : 2;
      const entrySize = big ? 20 : 12;
      const nv = await get(next, countBytes);
      const count = big ? u64(nv, 0) : nv.getUint16(0, le);
      if (count > 4096) return null;
      const ifd = await get(next + countBytes, count * entrySize + (big ? 8 : 4));
      const tags = new Map<number, { type: number; n: number; at: number; inline: DataView | null }>();
      for (let i = 0; i < count; i++) {
        const o = i * entrySize;
        const tag = ifd.getUint16(o, le);
        const type = ifd.getUint16(o + 2, le);
        const m = big ? u64(ifd, o + 4) : ifd.getUint32(o + 4, le);
        const size = (TYPE_SIZE[type] ?? 0) * m;
        const valueAt = o + (big ? 12 : 8);
        const inline = size <= (big ? 8 : 4) ? new DataView(ifd.buffer, ifd.byteOffset + valueAt, big ? 8 : 4) : null;
        tags.set(tag, { type, n: m, at: inline ? 0 : big ? u64(ifd, valueAt) : ifd.getUint32(valueAt, le), inline });
      }
      next = big ? u64(ifd, count * entrySize) : ifd.getUint32(count * entrySize, le);
      const values = async (tag: number): Promise<Float64Array | null> => {
        const t = tags.get(tag);
        if (!t || !TYPE_SIZE[t.type]) return null;
        const sz = TYPE_SIZE[t.type];
        const v = t.inline ?? (await get(t.at, t.n * sz));
        const out = new Float64Array(t.n);
        for (let i = 0; i < t.n; i++) {
          const o = i * sz;
          out[i] = sz === 1 ? v.getUint8(o) : sz === 2 ? v.getUint16(o, le) : sz === 4 ? v.getUint32(o, le) : u64(v, o);
        }
        return out;
      };
      const one = async (tag: number, fallback: number) => (await values(tag))?.[0] ?? fallback;
      const subfile = await one(254, 0);
      if (subfile & 4) continue; // a transparency mask
      if (n > 0 && !(subfile & 1)) return null; // another page, not an overview: not a layout indexed here
      const [tw, th] = [await one(322, 0), await one(323, 0)];
      if (!tw || !th) return null; // strips
      const offsets = await values(324);
      const counts = await values(325);
      const width = await one(256, 0);
      const height = await one(257, 0);
      const planes = (await one(284, 1)) === 2 ? await one(277, 1) : 1;
      const tiles = Math.ceil(width / tw) * Math.ceil(height / th) * planes;
      if (!offsets || !counts || offsets.length !== tiles || counts.length !== tiles) return null;
      levels.push({ width, height, tileWidth: tw, tileHeight: th, planes, offsets, counts });
    }
    return levels.length ? levels : null;
  } catch {
    return null; // unreadable or hostile header: GDAL reads it (and reports it) as before
  }
}

/** Byte ranges [start, end) of the tiles under a pixel rectangle of one level (clamped to it), sorted. */
export function tileRanges(l: TiffLevel, c0: number, r0: number, c1: number, r1: number): [number, number][] {
  const across = Math.ceil(l.width / l.tileWidth);
  const down = Math.ceil(l.height / l.tileHeight);
  const tx0 = Math.max(0, Math.floor(c0 / l.tileWidth));
  const tx1 = Math.min(across - 1, Math.floor((c1 - 1e-9) / l.tileWidth));
  const ty0 = Math.max(0, Math.floor(r0 / l.tileHeight));
  const ty1 = Math.min(down - 1, Math.floor((r1 - 1e-9) / l.tileHeight));
  const out: [number, number][] = [];
  for (let p = 0; p < l.planes; p++)
    for (let ty = ty0; ty <= ty1; ty++)
      for (let tx = tx0; tx <= tx1; tx++) {
        const k = p * across * down + ty * across + tx;
        if (l.counts[k] > 0) out.push([l.offsets[k], l.offsets[k] + l.counts[k]]);
      }
  return out.sort((a, b) => a[0] - b[0]);
}
