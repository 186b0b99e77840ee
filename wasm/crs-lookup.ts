/**
 * CRS lookups in the engine: a CRS string checked (core/crs-text.ts) and parsed by GDAL/PROJ, its
 * WKT1 (what proj4 reads on the TypeScript side), WKT2 and EPSG code, cached per string.
 */
import type { CrsInfo } from '../src/engine/protocol.js';
import { CrsError } from '../src/core/errors.js';
import { crsTextProblem } from '../src/core/crs-text.js';
import { describeDataset } from './describe.js';
import type { GdalModule } from './gdal-module.js';
import { shorten } from './target-grids.js';

const GA_UPDATE = 1;

/** CRS strings reach GDAL only in forms that name no file and carry no options. */
export function checkCrsText(input: string, name = shorten(input)): void {
  const problem = crsTextProblem(input);
  if (problem) throw new CrsError('CRS_INVALID', `CRS ${shorten(input)}: ${problem}`, { input: name });
}

export class CrsLookup {
  private readonly cache = new Map<string, CrsInfo>();

  constructor(
    private readonly g: GdalModule,
    /** A scratch byte of WebAssembly memory (the engine's geotransform buffer). */
    private readonly scratchPtr: number,
    private readonly lastError: () => string,
  ) {}

  resolve(input: string): CrsInfo {
    const hit = this.cache.get(input);
    if (hit) return hit;
    checkCrsText(input);
    const g = this.g;
    g.CPLErrorReset();
    const srs = g.OSRNewSpatialReference(null);
    try {
      if (g.OSRSetFromUserInput(srs, input) !== 0) {
        const gdalMessage = this.lastError();
        throw new CrsError('CRS_INVALID', `CRS ${shorten(input)} is not a coordinate reference system GDAL/PROJ understands${gdalMessage ? ` (${gdalMessage})` : ''}`, {
          input: shorten(input),
          gdalMessage,
        });
      }
      const wkt1 = g.exportWkt(srs);
      // WKT2 and the EPSG code, as gdalinfo reports them, come from a throwaway MEM dataset.
      const mem = this.scratchDataset();
      g.GDALSetProjection(mem, input);
      const meta = describeDataset(g, mem, 'crs');
      g.GDALClose(mem);
      const info: CrsInfo = { wkt: meta.crs?.wkt ?? wkt1, wkt1, epsg: meta.crs?.epsg ?? null, projjson: meta.crs?.projjson ?? null };
      this.cache.set(input, info);
      return info;
    } finally {
      g.OSRDestroySpatialReference(srs);
    }
  }

  /** A 1×1 MEM dataset over the scratch byte (for asking GDAL things about a CRS). */
  scratchDataset(): number {
    return this.g.GDALOpen(`MEM:::DATAPOINTER=${this.scratchPtr},PIXELS=1,LINES=1,BANDS=1,DATATYPE=Byte`, GA_UPDATE);
  }
}
