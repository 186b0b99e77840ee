/**
 * The sums and weights of a prediction blend over a large grid, in 256×256 tiles (float32) made only
 * where predictions fall, so memory follows the area covered, and read back a strip of rows at a time.
 */
import { type DataType, type PixelArray, typedArrayFor } from '../core/pixels.js';

const T = 256;

interface Tile {
  /** bands × T × T sums (or maxima). */
  acc: Float32Array;
  /** T × T weights. */
  w: Float32Array;
}

export class BlendGrid {
  private readonly tiles = new Map<number, Tile>();
  private readonly across: number;
  private lastKey = -1;
  private last: Tile | null = null;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly bands: number,
    private readonly max: boolean,
  ) {
    this.across = Math.ceil(width / T);
  }

  /** Bytes held now (tiles made so far). */
  get bytes(): number {
    return this.tiles.size * T * T * 4 * (this.bands + 1);
  }

  /**
   * Adds to pixel (r, c): `values[b]` with weight `wt` (for 'max', the largest value is kept). Values
   * that are not finite are left out of their band.
   */
  add(r: number, c: number, values: ArrayLike<number>, wt: number): void {
    const key = ((r / T) | 0) * this.across + ((c / T) | 0);
    let t = key === this.lastKey ? this.last : this.tiles.get(key);
    if (!t) {
      t = { acc: new Float32Array(this.bands * T * T).fill(this.max ? -Infinity : 0), w: new Float32Array(T * T) };
      this.tiles.set(key, t);
    }
    this.lastKey = key;
    this.last = t;
    const p = (r % T) * T + (c % T);
    for (let b = 0; b < this.bands; b++) {
      const v = values[b];
      if (!Number.isFinite(v)) continue;
      const k = b * T * T + p;
      if (this.max) t.acc[k] = Math.max(t.acc[k], v);
      else t.acc[k] += wt * v;
    }
    t.w[p] += wt;
  }

  /** Rows [row0, row0 + rows) blended, band-sequential (bands × rows × width), nodata where no sample fell. */
  rows(row0: number, rows: number, dtype: DataType, nodata: number): PixelArray {
    const { width, bands } = this;
    const out = typedArrayFor(dtype, bands * rows * width);
    out.fill(nodata);
    for (let r = row0; r < row0 + rows; r++) {
      for (let tx = 0; tx < this.across; tx++) {
        const t = this.tiles.get(Math.floor(r / T) * this.across + tx);
        if (!t) continue;
        const c0 = tx * T;
        const c1 = Math.min(width, c0 + T);
        const rowInTile = (r % T) * T;
        for (let c = c0; c < c1; c++) {
          const p = rowInTile + (c - c0);
          const w = t.w[p];
          if (!(w > 0)) continue;
          for (let b = 0; b < bands; b++) {
            const a = t.acc[b * T * T + p];
            if (Number.isFinite(a)) out[(b * rows + (r - row0)) * width + c] = this.max ? a : a / w;
          }
        }
      }
    }
    return out;
  }
}
