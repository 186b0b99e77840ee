/** Helpers shared by test files: rasters opened once per run, reference pixels, pixel comparison. */
import { openRaster, type PixelArray, type Raster } from '../../src/index.js';
import { testEnv } from './harness.js';

const opened = new Map<string, Promise<Raster>>();
export function shared(name: string): Promise<Raster> {
  let p = opened.get(name);
  if (!p) {
    p = testEnv()
      .sharedSource(name)
      .then((s) => openRaster(s, { name }));
    opened.set(name, p);
  }
  return p;
}

export function typed(dtype: string, bytes: Uint8Array): PixelArray {
  const b = bytes.slice().buffer;
  if (dtype === 'uint8') return new Uint8Array(b);
  if (dtype === 'int16') return new Int16Array(b);
  return new Float32Array(b);
}

/** Max |a-b| over pixels valid in both, plus mismatches in where nodata/NaN is. */
export function compare(actual: PixelArray, expected: PixelArray, nodata: number | null) {
  const isNo = (v: number) => Number.isNaN(v) || (nodata !== null && v === nodata);
  let maxDiff = 0;
  let maskMismatch = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (isNo(a) !== isNo(e)) {
      maskMismatch++;
      continue;
    }
    if (isNo(e)) continue;
    lo = Math.min(lo, e);
    hi = Math.max(hi, e);
    maxDiff = Math.max(maxDiff, Math.abs(a - e));
  }
  return { maxDiff, maskMismatch, range: hi > lo ? hi - lo : Math.abs(hi) || 1 };
}
