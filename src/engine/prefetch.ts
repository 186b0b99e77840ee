/**
 * Tiles fetched before GDAL asks for them: for a window of a remote tiled GeoTIFF or COG, the overview
 * level gdalwarp will read (window-plan.ts), the tiles under the window there plus the resampling
 * kernel's margin (tiff-index.ts), fetched concurrently into the shared block cache (RemoteFile.prefetch).
 * GDAL in the worker then finds its bytes already there. Advisory: a file it cannot index, or a
 * failed fetch, leaves the read to fetch as before.
 */
import type { RasterMeta, WindowRequest } from './protocol.js';
import type { RemoteFile } from '../remote/remote.js';
import { readTiffIndex, tileRanges, type TiffLevel } from './tiff-index.js';
import { windowPlan } from './window-plan.js';

/** Bytes past a tile's end that GDAL's read of the tile takes too (stdio buffering). */
const READ_SLACK = 4096;

/** Source pixels around the window a resampling kernel reaches (GDAL's kernel radius, plus one). */
const MARGIN: Record<string, number> = { nearest: 1, bilinear: 2, cubic: 3, cubicspline: 3, lanczos: 4 };

export class TilePrefetch {
  private index: Promise<TiffLevel[] | null> | null = null;

  constructor(
    private readonly file: RemoteFile,
    private readonly meta: RasterMeta,
  ) {}

  /** Byte ranges the window will read, or null when the file cannot be indexed. */
  async ranges(req: WindowRequest): Promise<[number, number][] | null> {
    const m = MARGIN[req.resampling] ?? 2;
    // A box just outside this file (a mosaic part) still reads its edge pixels through the kernel.
    const plan = windowPlan(this.meta, req, 21, m);
    if (!plan) return [];
    this.index ??= readTiffIndex((s, n) => this.file.readRange(s, s + n), this.file.size).then((levels) => (levels && matches(levels, this.meta) ? levels : null));
    const levels = await this.index;
    if (!levels) return null;
    const [c0, r0, c1, r1] = plan.pixels;
    // The bytes GDAL's reads of those tiles take: a COG tile's 4-byte size before it, and past its end
    // the C library's read buffer (musl reads up to 1 KiB beyond what fread asked for). Measured: 3 %
    // of W3's samples asked for one more block, just past a tile's end, before this slack.
    return tileRanges(levels[plan.level], c0 - m, r0 - m, c1 + m, r1 + m).map(([a, b]) => [Math.max(0, a - 4), b + READ_SLACK]);
  }

  async run(req: WindowRequest, signal?: AbortSignal): Promise<void> {
    const r = await this.ranges(req);
    if (r?.length) await this.file.prefetch(r, signal);
  }
}

/** The TIFF's images are the raster GDAL described: the same full size and overview sizes, in order. */
function matches(levels: TiffLevel[], meta: RasterMeta): boolean {
  const want: [number, number][] = [[meta.width, meta.height], ...(meta.overviews ?? [])];
  return levels.length >= want.length && want.every(([w, h], k) => levels[k].width === w && levels[k].height === h);
}
