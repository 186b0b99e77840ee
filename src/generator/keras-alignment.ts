/**
 * Keras Spatial's way of reading samples (`flow(…, { alignment: 'keras-spatial' })`), to reproduce
 * arrays made in Python: one warped VRT over the union of the samples, its resolution from the first
 * row (`xres = (maxx − minx) / width`), its size truncated to whole pixels, and each sample read as
 * the window between `floor(~transform · corner)` of its corners, clipped to the VRT. GDAL's warped
 * VRT warps in blocks of 512×128 pixels, so this does too: each window is cut from the blocks it
 * covers, each block warped once per flow pass (its transformer and kernel scale are the VRT's).
 * The float arithmetic is rasterio's and affine's (see ../shared/keras-spatial/NOTES.md).
 */
import type { Bounds } from '../core/box.js';
import { SampleError } from '../core/errors.js';
import { dtypeOf, typedArrayFor, type PixelArray } from '../core/pixels.js';
import type { SampleSet } from '../samples/sample-set.js';

const BLOCK_W = 512;
const BLOCK_H = 128;

/** The warped VRT Keras Spatial builds over a sample set: width, height and affine (a, c, e, f). */
export interface KerasGrid {
  width: number;
  height: number;
  xres: number;
  yres: number;
  west: number;
  north: number;
}

/** A window of the grid: column, row, width, height (after clipping to the grid). */
export interface GridWindow {
  col: number;
  row: number;
  width: number;
  height: number;
}

/** Band-sequential pixels of one block, as the engine returns them. */
export interface BlockPixels {
  data: PixelArray;
  layers: number;
}

export function kerasGrid(samples: SampleSet, width: number, height: number): KerasGrid {
  const [x0, y0, x1, y1] = samples.bounds(0);
  const xres = (x1 - x0) / width;
  const yres = (y1 - y0) / height;
  const [minx, miny, maxx, maxy] = samples.totalBounds;
  // Python floats given to GDAL as the VRT's size are truncated to int.
  return { width: Math.trunc((maxx - minx) / xres), height: Math.trunc((maxy - miny) / yres), xres, yres, west: minx, north: maxy };
}

/** rasterio's `index(x, y)` on the grid: floor of affine 2.4's inverse applied to (x, y), as [row, col]. */
export function gridIndex(g: KerasGrid, x: number, y: number): [number, number] {
  // Affine.translation(west, north) * Affine.scale(xres, -yres), then ~ (affine's own formulas).
  const a = g.xres;
  const e = -g.yres;
  const idet = 1 / (a * e - 0 * 0);
  const ra = e * idet;
  const rb = -0 * idet;
  const rd = -0 * idet;
  const re = a * idet;
  const c = -g.west * ra - g.north * rb;
  const f = -g.west * rd - g.north * re;
  const col = x * ra + y * rb + c;
  const row = x * rd + y * re + f;
  return [Math.floor(row), Math.floor(col)];
}

/** The window Keras Spatial reads for a box: `Window(left, top, right − left, bot − top)`, clipped to the grid (boundless=False). */
export function gridWindow(g: KerasGrid, box: Bounds): GridWindow & { unclipped: [number, number] } {
  const [bot, left] = gridIndex(g, box[0], box[1]);
  const [top, right] = gridIndex(g, box[2], box[3]);
  const c0 = Math.max(0, left);
  const r0 = Math.max(0, top);
  const c1 = Math.min(g.width, right);
  const r1 = Math.min(g.height, bot);
  return { col: c0, row: r0, width: Math.max(0, c1 - c0), height: Math.max(0, r1 - r0), unclipped: [right - left, bot - top] };
}

/** The box and size of block (bx, by) of the grid (blocks at the right and bottom edges are smaller). */
export function blockBox(g: KerasGrid, bx: number, by: number): { bounds: Bounds; width: number; height: number } {
  const c0 = bx * BLOCK_W;
  const r0 = by * BLOCK_H;
  const w = Math.min(BLOCK_W, g.width - c0);
  const h = Math.min(BLOCK_H, g.height - r0);
  const minx = g.west + c0 * g.xres;
  const maxy = g.north - r0 * g.yres;
  return { bounds: [minx, maxy - h * g.yres, minx + w * g.xres, maxy], width: w, height: h };
}

/**
 * Reads windows of the grid from its blocks, each block read once (`readBlock`) while any window
 * still to come needs it; at most `maxBlocks` kept.
 */
export class KerasWindows {
  private readonly blocks = new Map<string, Promise<BlockPixels>>();

  constructor(
    readonly grid: KerasGrid,
    private readonly readBlock: (bounds: Bounds, width: number, height: number, signal?: AbortSignal) => Promise<BlockPixels>,
    private readonly maxBlocks = 64,
  ) {}

  /** Band-sequential pixels [layers, height, width] of sample `index`'s window; a SampleError if it is not width×height. */
  async read(samples: SampleSet, index: number, width: number, height: number, signal?: AbortSignal): Promise<{ data: PixelArray; layers: number }> {
    const box = samples.bounds(index);
    const w = gridWindow(this.grid, box);
    if (w.width !== width || w.height !== height) {
      const [uw, uh] = w.unclipped;
      throw new SampleError(
        'SAMPLE_FAILED',
        `sample ${index} [${box.join(', ')}]: Keras Spatial's window for it is ${w.width}x${w.height} pixels${uw !== w.width || uh !== w.height ? ` (${uw}x${uh} before clipping to its ${this.grid.width}x${this.grid.height} VRT)` : ''}, not ${width}x${height}; Keras Spatial returns that smaller or larger array (and np.stack fails on a batch of mixed sizes): use the default alignment for this sample set`,
        { input: `sample ${index}`, sample: index },
      );
    }
    const bx0 = Math.floor(w.col / BLOCK_W);
    const bx1 = Math.floor((w.col + w.width - 1) / BLOCK_W);
    const by0 = Math.floor(w.row / BLOCK_H);
    const by1 = Math.floor((w.row + w.height - 1) / BLOCK_H);
    let out: PixelArray | null = null;
    let layers = 0;
    for (let by = by0; by <= by1; by++) {
      for (let bx = bx0; bx <= bx1; bx++) {
        const block = await this.block(bx, by, signal);
        const bb = blockBox(this.grid, bx, by);
        layers = block.layers;
        out ??= typedArrayFor(dtypeOf(block.data), layers * width * height);
        const c0 = Math.max(w.col, bx * BLOCK_W);
        const c1 = Math.min(w.col + width, bx * BLOCK_W + bb.width);
        const r0 = Math.max(w.row, by * BLOCK_H);
        const r1 = Math.min(w.row + height, by * BLOCK_H + bb.height);
        for (let l = 0; l < layers; l++) {
          for (let r = r0; r < r1; r++) {
            const src = (l * bb.height + (r - by * BLOCK_H)) * bb.width + (c0 - bx * BLOCK_W);
            const dst = (l * height + (r - w.row)) * width + (c0 - w.col);
            out.set(block.data.subarray(src, src + (c1 - c0)) as never, dst);
          }
        }
      }
    }
    return { data: out!, layers };
  }

  private block(bx: number, by: number, signal?: AbortSignal): Promise<BlockPixels> {
    const key = `${bx},${by}`;
    let p = this.blocks.get(key);
    if (p) {
      this.blocks.delete(key);
      this.blocks.set(key, p);
      return p;
    }
    const { bounds, width, height } = blockBox(this.grid, bx, by);
    p = this.readBlock(bounds, width, height, signal);
    p.catch(() => this.blocks.delete(key)); // a failed block is read again by the next sample that needs it
    this.blocks.set(key, p);
    if (this.blocks.size > this.maxBlocks) this.blocks.delete(this.blocks.keys().next().value as string);
    return p;
  }
}
