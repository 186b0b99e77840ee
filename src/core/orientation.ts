/**
 * The eight orientations of a sample (flips and quarter turns: the square's symmetry group) as codes
 * 0–7, applied to typed arrays in any layout without resampling. Code = quarter turns
 * counter-clockwise (bits 0–1) after an optional left–right mirror (bit 2): 0 is the identity,
 * 4 a left–right flip, 6 a top–bottom flip, 2 a half turn.
 */
import type { Layout } from './layout.js';
import type { PixelArray } from './pixels.js';

export type Orientation = number;

export const MIRROR = 4;

const turns = (o: Orientation): number => o & 3;
const mirrored = (o: Orientation): boolean => (o & MIRROR) !== 0;

/** The orientation that undoes `o`. */
export function inverseOrientation(o: Orientation): Orientation {
  return mirrored(o) ? o : (4 - turns(o)) & 3;
}

/** `first`, then `then`, as one orientation. */
export function composeOrientation(first: Orientation, then: Orientation): Orientation {
  const k = mirrored(then) ? turns(then) - turns(first) : turns(then) + turns(first);
  return (k & 3) | ((mirrored(first) !== mirrored(then) ? 1 : 0) * MIRROR);
}

/** [h, w] after orientation `o` (a quarter turn swaps them). */
export function orientedSize(h: number, w: number, o: Orientation): [number, number] {
  return turns(o) & 1 ? [w, h] : [h, w];
}

const maps = new Map<string, Int32Array>();

/** For each source pixel y * w + x, its index in the oriented h'×w' grid (cached per size). */
function destinations(h: number, w: number, o: Orientation): Int32Array {
  const key = `${h}x${w}:${o}`;
  let m = maps.get(key);
  if (m) return m;
  m = new Int32Array(h * w);
  const [, ow] = orientedSize(h, w, o);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let cy = y;
      let cx = mirrored(o) ? w - 1 - x : x;
      let ch = h;
      let cw = w;
      // A quarter turn counter-clockwise: (y, x) in h×w goes to (w - 1 - x, y) in w×h.
      for (let t = 0; t < turns(o); t++) {
        [cy, cx] = [cw - 1 - cx, cy];
        [ch, cw] = [cw, ch];
      }
      m[y * w + x] = cy * ow + cx;
    }
  }
  if (maps.size > 64) maps.clear();
  maps.set(key, m);
  return m;
}

/**
 * `data` (one sample of h×w pixels and c layers in `layout`: 'pixel' [h, w, c], 'band' [c, h, w],
 * 'squeezed' [h, w]) in orientation `o`, as a new array of the same type (the same array for 0).
 */
export function orient(data: PixelArray, h: number, w: number, c: number, layout: Layout, o: Orientation): PixelArray {
  if (o === 0) return data;
  const dest = destinations(h, w, o);
  const out = new (data.constructor as new (n: number) => PixelArray)(data.length);
  const n = h * w;
  if (layout === 'pixel' && c > 1) {
    for (let p = 0; p < n; p++) for (let l = 0; l < c; l++) out[dest[p] * c + l] = data[p * c + l];
  } else {
    for (let l = 0; l < c; l++) {
      const base = l * n;
      for (let p = 0; p < n; p++) out[base + dest[p]] = data[base + p];
    }
  }
  return out;
}
