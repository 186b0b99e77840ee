/**
 * Well-known binary (WKB) for sample tables: a box written as a Polygon, and the envelope of a
 * Polygon or MultiPolygon read back. Reading checks every count against the bytes there are, so a
 * hostile geometry is an error naming its row, never a huge allocation or a read past its end.
 */

const POLYGON = 3;
const MULTIPOLYGON = 6;

export const BOX_WKB_BYTES = 93;

/**
 * Each box as a Polygon: a closed, counter-clockwise ring of its four corners, little-endian, 93 bytes,
 * all views into one buffer.
 */
export function boxesToWkb(minx: Float64Array, miny: Float64Array, maxx: Float64Array, maxy: Float64Array): Uint8Array[] {
  const n = minx.length;
  const all = new Uint8Array(n * BOX_WKB_BYTES);
  const v = new DataView(all.buffer);
  const out = new Array<Uint8Array>(n);
  for (let i = 0; i < n; i++) {
    const at = i * BOX_WKB_BYTES;
    all[at] = 1;
    v.setUint32(at + 1, POLYGON, true);
    v.setUint32(at + 5, 1, true);
    v.setUint32(at + 9, 5, true);
    const x0 = minx[i];
    const y0 = miny[i];
    const x1 = maxx[i];
    const y1 = maxy[i];
    v.setFloat64(at + 13, x0, true);
    v.setFloat64(at + 21, y0, true);
    v.setFloat64(at + 29, x1, true);
    v.setFloat64(at + 37, y0, true);
    v.setFloat64(at + 45, x1, true);
    v.setFloat64(at + 53, y1, true);
    v.setFloat64(at + 61, x0, true);
    v.setFloat64(at + 69, y1, true);
    v.setFloat64(at + 77, x0, true);
    v.setFloat64(at + 85, y0, true);
    out[i] = all.subarray(at, at + BOX_WKB_BYTES);
  }
  return out;
}

export type Envelope = [number, number, number, number];

/**
 * The envelope [minx, miny, maxx, maxy] of a WKB Polygon or MultiPolygon (ISO or EWKB, with Z and M
 * dimensions ignored), or a sentence saying what is wrong with it.
 */
export function wkbEnvelope(bytes: Uint8Array): Envelope | string {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const env: Envelope = [Infinity, Infinity, -Infinity, -Infinity];
  const end = bytes.byteLength;
  let at = 0;
  const header = (): { little: boolean; type: number; dims: number } | string => {
    if (at + 5 > end) return `ends after ${end} bytes, inside a geometry header`;
    const order = bytes[at];
    if (order !== 0 && order !== 1) return `has byte order ${order} at byte ${at} (expected 0 or 1)`;
    const little = order === 1;
    let code = v.getUint32(at + 1, little);
    at += 5;
    let dims = 2;
    // EWKB (PostGIS): flags in the high bits, an SRID after the type.
    if (code & 0x80000000) dims++;
    if (code & 0x40000000) dims++;
    if (code & 0x20000000) {
      if (at + 4 > end) return 'ends inside its SRID';
      at += 4;
    }
    code &= 0x0fffffff;
    // ISO: 1000 + type (Z), 2000 + type (M), 3000 + type (ZM).
    const iso = Math.floor(code / 1000);
    if (iso > 3) return `has the geometry type code ${code}`;
    dims += iso === 3 ? 2 : iso > 0 ? 1 : 0;
    return { little, type: code % 1000, dims };
  };
  const polygon = (little: boolean, dims: number): string | null => {
    if (at + 4 > end) return 'ends before its ring count';
    const rings = v.getUint32(at, little);
    at += 4;
    if (rings * 4 > end - at) return `says it has ${rings} rings, more than its ${end} bytes can hold`;
    for (let r = 0; r < rings; r++) {
      if (at + 4 > end) return 'ends before a point count';
      const n = v.getUint32(at, little);
      at += 4;
      const step = 8 * dims;
      if (n * step > end - at) return `says a ring has ${n} points, more than its ${end} bytes can hold`;
      for (let k = 0; k < n; k++, at += step) {
        const x = v.getFloat64(at, little);
        const y = v.getFloat64(at + 8, little);
        if (!Number.isFinite(x) || !Number.isFinite(y)) return `has a point that is not finite (${x}, ${y})`;
        if (x < env[0]) env[0] = x;
        if (y < env[1]) env[1] = y;
        if (x > env[2]) env[2] = x;
        if (y > env[3]) env[3] = y;
      }
    }
    return null;
  };
  const top = header();
  if (typeof top === 'string') return top;
  if (top.type === POLYGON) {
    const p = polygon(top.little, top.dims);
    if (p) return p;
  } else if (top.type === MULTIPOLYGON) {
    if (at + 4 > end) return 'ends before its polygon count';
    const parts = v.getUint32(at, top.little);
    at += 4;
    if (parts * 9 > end - at) return `says it has ${parts} polygons, more than its ${end} bytes can hold`;
    for (let i = 0; i < parts; i++) {
      const h = header();
      if (typeof h === 'string') return h;
      if (h.type !== POLYGON) return `has a part of geometry type ${h.type} in a MultiPolygon`;
      const p = polygon(h.little, h.dims);
      if (p) return p;
    }
  } else {
    return `is geometry type ${TYPE_NAMES[top.type] ?? top.type}, not a Polygon or MultiPolygon (use pointGrid for points)`;
  }
  if (at !== end) return `has ${end - at} bytes after its geometry`;
  if (!(env[0] < env[2] && env[1] < env[3])) return 'has no area (an empty or degenerate polygon)';
  return env;
}

const TYPE_NAMES: Record<number, string> = { 1: 'Point', 2: 'LineString', 4: 'MultiPoint', 5: 'MultiLineString', 7: 'GeometryCollection' };
