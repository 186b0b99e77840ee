/**
 * A large raster written strip by strip, so neither side holds all its pixels: each strip of rows
 * (a MEM dataset over its pixels) is written by GDAL as a small DEFLATE GeoTIFF in the engine's
 * memory file system (only compressed bytes stay in WebAssembly memory); `end` joins the strips with
 * a VRT (integer offsets: no resampling) and converts it to the requested GeoTIFF or COG with its
 * georeferencing, nodata and creation options, returns the bytes and removes every file.
 */
import type { EncodeRequest } from '../src/engine/protocol.js';
import type { PixelArray } from '../src/core/pixels.js';
import { ArgumentError, CrsError, EngineError } from '../src/core/errors.js';
import { GDAL_TYPE_NAMES } from './describe.js';
import { pixelsDataset, removeFile, translate } from './encode.js';
import type { GdalModule } from './gdal-module.js';

/** What `begin` needs: an encode request without the pixels. */
export type StripRasterSpec = Omit<EncodeRequest, 'data'>;

interface Open {
  spec: StripRasterSpec;
  /** Strip files, with their first row and row count. */
  strips: { path: string; row0: number; rows: number }[];
  prefix: string;
}

let seq = 0;

export class StripWriter {
  private readonly open = new Map<number, Open>();

  constructor(
    private readonly g: GdalModule,
    private readonly lastError: () => string,
  ) {}

  begin(id: number, spec: StripRasterSpec): void {
    if (this.open.has(id)) throw new EngineError('ENGINE_FAILED', `raster ${id} is already being written`);
    this.open.set(id, { spec, strips: [], prefix: `/tmp/geotensor-strips-${++seq}` });
  }

  /** Rows [row0, row0 + rows) of every band: band-sequential pixels, bands × rows × width. */
  write(id: number, row0: number, rows: number, data: PixelArray): void {
    const o = this.get(id);
    const { g } = this;
    const { spec } = o;
    if (!(Number.isInteger(row0) && Number.isInteger(rows) && rows > 0 && row0 >= 0 && row0 + rows <= spec.height))
      throw new ArgumentError('rows', `rows within 0..${spec.height}`, `${row0}+${rows}`);
    const n = spec.width * rows * spec.bands;
    if (data.length !== n) throw new ArgumentError('data', `${n} pixels (bands × rows × width)`, `${data.length} pixels`);
    const path = `${o.prefix}-${o.strips.length}.tif`;
    const mem = pixelsDataset(g, data, spec.width, rows, spec.bands, spec.dtype, `a strip of ${rows} rows`, this.lastError);
    try {
      translate(
        g,
        mem.ds,
        path,
        ['-of', 'GTiff', '-co', 'TILED=YES', '-co', 'COMPRESS=DEFLATE', '-co', 'ZLEVEL=1'],
        this.lastError,
        (msg) => new EngineError('ENGINE_FAILED', `GDAL could not write a strip: ${msg}`),
      );
      o.strips.push({ path, row0, rows });
    } finally {
      mem.close();
    }
  }

  /** The finished file's bytes (GeoTIFF or COG, georeferenced, with nodata and creation options); every file removed. */
  end(id: number): Uint8Array {
    const o = this.get(id);
    const { g } = this;
    this.open.delete(id);
    const final = `${o.prefix}.out`;
    let vrt = 0;
    try {
      const { spec } = o;
      const type = GDAL_TYPE_NAMES[spec.dtype];
      const bands = Array.from({ length: spec.bands }, (_, b) => {
        const sources = o.strips.map(
          (s) =>
            `<SimpleSource><SourceFilename relativeToVRT="0">${s.path}</SourceFilename><SourceBand>${b + 1}</SourceBand><SrcRect xOff="0" yOff="0" xSize="${spec.width}" ySize="${s.rows}"/><DstRect xOff="0" yOff="${s.row0}" xSize="${spec.width}" ySize="${s.rows}"/></SimpleSource>`,
        );
        return `<VRTRasterBand dataType="${type}" band="${b + 1}">${sources.join('')}</VRTRasterBand>`;
      });
      vrt = g.GDALOpen(`<VRTDataset rasterXSize="${spec.width}" rasterYSize="${spec.height}">${bands.join('')}</VRTDataset>`, 0);
      if (!vrt) throw new EngineError('ENGINE_FAILED', `cannot join the strips: ${this.lastError()}`);
      const [minx, miny, maxx, maxy] = spec.bounds;
      const args = ['-of', spec.format, '-a_srs', spec.crs, '-a_ullr', String(minx), String(maxy), String(maxx), String(miny)];
      if (spec.nodata !== null) args.push('-a_nodata', Number.isNaN(spec.nodata) ? 'nan' : String(spec.nodata));
      for (const co of spec.creationOptions ?? []) args.push('-co', co);
      // -a_srs applies the CRS here: a failure naming it is the CRS's fault.
      translate(g, vrt, final, args, this.lastError, (msg) =>
        /SRS|CRS|coordinate/i.test(msg)
          ? new CrsError('CRS_INVALID', `GDAL cannot use the CRS: ${msg}`, { input: 'crs' })
          : new EngineError('ENGINE_FAILED', `GDAL could not write the raster: ${msg}`),
      );
      return g.M.FS.readFile(final) as Uint8Array;
    } finally {
      if (vrt) g.GDALClose(vrt);
      for (const s of o.strips) removeFile(g, s.path);
      removeFile(g, final);
    }
  }

  /** Drops a raster being written (the host gave up on it). */
  abort(id: number): void {
    const o = this.open.get(id);
    if (!o) return;
    this.open.delete(id);
    for (const s of o.strips) removeFile(this.g, s.path);
  }

  private get(id: number): Open {
    const o = this.open.get(id);
    if (!o) throw new EngineError('ENGINE_FAILED', `raster ${id} is not being written in this worker`);
    return o;
  }
}
