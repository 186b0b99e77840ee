/**
 * What a source made of other sources (a RasterStack of assets, a TimeStack of dates) shares: the
 * reader face the generator uses, and everything of it that only delegates to the parts.
 */
import { ArgumentError } from '../core/errors.js';
import { sumStats } from '../remote/stats.js';
import type { RemoteStats } from '../remote/types.js';
import type { EnginePool } from './pool.js';
import type { CrsInfo } from './protocol.js';
import type { FeatureCollectionLike, Raster } from './raster.js';

/** What the generator reads through: a Raster, or a source composed of them. */
export type RasterReader = Pick<
  Raster,
  'meta' | 'label' | 'describe' | 'readWindow' | 'prefetch' | 'features' | 'resolveCrs' | 'close' | 'sourceStats' | 'enginePool' | 'engineSize' | 'isClosed'
>;

export abstract class ComposedSource {
  abstract readonly label: string;
  protected closed = false;

  /** The sources it is made of (at least one); `what` names the kind in messages ("a stack of rasters"). */
  protected constructor(
    private readonly partsOf: () => Pick<RasterReader, 'resolveCrs' | 'close' | 'sourceStats' | 'enginePool' | 'engineSize'>[],
    private readonly what: string,
  ) {}

  async features(): Promise<{ geojson: FeatureCollectionLike; crs: string }> {
    throw new ArgumentError('source', `a vector source to list the features of (${this.label} is ${this.what})`, this.label);
  }

  resolveCrs(crs: string): Promise<CrsInfo> {
    return this.partsOf()[0].resolveCrs(crs);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.partsOf().map((p) => p.close()));
  }

  /** The parts' remote reads summed (null when none is remote). */
  sourceStats(): RemoteStats | null {
    return sumStats(this.partsOf().map((p) => p.sourceStats()));
  }

  get enginePool(): EnginePool {
    return this.partsOf()[0].enginePool;
  }

  get engineSize(): number {
    return this.partsOf()[0].engineSize;
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
