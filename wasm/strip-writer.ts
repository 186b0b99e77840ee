/**
 * A large raster written strip by strip, so neither side holds all its pixels: each strip of rows
 * (a MEM dataset over its pixels) is written by GDAL as a small DEFLATE GeoTIFF in the engine's
 * memory file system (only compressed bytes stay in WebAssembly memory); `end` joins the strips with
 * a VRT (integer offsets: no resampling) and converts it to the requested GeoTIFF or COG with its
 * georeferencing, nodata and creation options, returns the bytes and removes every file.
 */
import type { EncodeRequest } from '../src/engine/protocol.js';
import { bytesPerPixel, type PixelArray } from '../src/core/pixels.js';
import { ArgumentError, CrsError, EngineError } from '../src/core/errors.js';
import { GDAL_TYPE_NAMES } from './describe.js';
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
    const { M } = g;
    const { spec } = o;
    if (!(Number.isInteger(row0) && Number.isInteger(rows) && rows > 0 && row0 >= 0 && row0 + rows <= spec.height))
      throw new ArgumentError('rows', `rows within 0..${spec.height}`, `${row0}+${rows}`);
    const n = spec.width * rows * spec.bands;
    if (data.length !== n) throw new ArgumentError('data', `${n} pixels (bands × rows × width)`, `${data.length} pixels`);
    const bytes = n * bytesPerPixel(spec.dtype);
    const ptr = M._malloc(bytes);
    if (!ptr) throw new EngineError('ENGINE_FAILED', `out of WebAssembly memory for a strip of ${rows} rows`);
    let mem = 0;
    try {
      M.HEAPU8.set(new Uint8Array(data.buffer, data.byteOffset, bytes), ptr);
      mem = g.GDALOpen(`MEM:::DATAPOINTER=${ptr},PIXELS=${spec.width},LINES=${rows},BANDS=${spec.bands},DATATYPE=${GDAL_TYPE_NAMES[spec.dtype]}`, 1);
      if (!mem) throw new EngineError('ENGINE_FAILED', `cannot wrap a strip: ${this.lastError()}`);
      const path = `${o.prefix}-${o.strips.length}.tif`;
      this.translate(mem, path, ['-of', 'GTiff', '-co', 'TILED=YES', '-co', 'COMPRESS=DEFLATE', '-co', 'ZLEVEL=1']);
      o.strips.push({ path, row0, rows });
    } finally {
      if (mem) g.GDALClose(mem);
      M._free(ptr);
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
      this.translate(vrt, final, args);
      return g.M.FS.readFile(final) as Uint8Array;
    } finally {
      if (vrt) g.GDALClose(vrt);
      for (const s of o.strips) unlink(g, s.path);
      unlink(g, final);
    }
  }

  /** Drops a raster being written (the host gave up on it). */
  abort(id: number): void {
    const o = this.open.get(id);
    if (!o) return;
    this.open.delete(id);
    for (const s of o.strips) unlink(this.g, s.path);
  }

  private get(id: number): Open {
    const o = this.open.get(id);
    if (!o) throw new EngineError('ENGINE_FAILED', `raster ${id} is not being written in this worker`);
    return o;
  }

  /** gdal_translate of `ds` to `path` with `args` (-q added). */
  private translate(ds: number, path: string, args: string[]): void {
    const { g } = this;
    const argv = g.stringList(['-q', ...args]);
    const opts = g.GDALTranslateOptionsNew(argv.ptr, 0);
    argv.free();
    if (!opts) throw new ArgumentError('creationOptions', `GDAL translate options (${this.lastError()})`, args.join(' '));
    g.CPLErrorReset();
    const out = g.GDALTranslate(path, ds, opts, 0);
    g.GDALTranslateOptionsFree(opts);
    if (!out) {
      const msg = this.lastError();
      if (/SRS|CRS|coordinate/i.test(msg)) throw new CrsError('CRS_INVALID', `GDAL cannot use the CRS: ${msg}`, { input: 'crs' });
      throw new EngineError('ENGINE_FAILED', `GDAL could not write ${path.endsWith('.out') ? 'the raster' : 'a strip'}: ${msg}`);
    }
    g.GDALClose(out);
  }
}

function unlink(g: GdalModule, path: string): void {
  try {
    g.M.FS.unlink(path);
  } catch {
    /* not written */
  }
}
