/**
 * Pixels to a georeferenced raster file, by GDAL: a MEM dataset over the pixels (in WebAssembly
 * memory), its geotransform and CRS set, then `gdal_translate` to GeoTIFF or COG in the engine's
 * memory file system; the file's bytes are returned and the file removed.
 */
import type { EncodeRequest } from '../src/engine/protocol.js';
import { bytesPerPixel } from '../src/core/pixels.js';
import { ArgumentError, CrsError, EngineError } from '../src/core/errors.js';
import { GDAL_TYPE_NAMES } from './describe.js';
import type { GdalModule } from './gdal-module.js';

let seq = 0;

export function encodeRaster(g: GdalModule, gtPtr: number, req: EncodeRequest, lastError: () => string): Uint8Array {
  const { M } = g;
  const n = req.width * req.height * req.bands;
  if (req.data.length !== n) throw new ArgumentError('data', `${n} pixels (bands × height × width = ${req.bands}×${req.height}×${req.width})`, `${req.data.length} pixels`);
  const bytes = n * bytesPerPixel(req.dtype);
  const ptr = M._malloc(bytes);
  if (!ptr) throw new EngineError('ENGINE_FAILED', `out of WebAssembly memory for a ${req.width}x${req.height}x${req.bands} raster`);
  let ds = 0;
  const path = `/tmp/geotensor-encode-${++seq}.tif`;
  try {
    M.HEAPU8.set(new Uint8Array(req.data.buffer, req.data.byteOffset, bytes), ptr);
    ds = g.GDALOpen(`MEM:::DATAPOINTER=${ptr},PIXELS=${req.width},LINES=${req.height},BANDS=${req.bands},DATATYPE=${GDAL_TYPE_NAMES[req.dtype]}`, 1);
    if (!ds) throw new EngineError('ENGINE_FAILED', `encode: cannot wrap the pixels: ${lastError()}`);
    const [minx, miny, maxx, maxy] = req.bounds;
    M.HEAPF64.set([minx, (maxx - minx) / req.width, 0, maxy, 0, -(maxy - miny) / req.height], gtPtr >>> 3);
    g.GDALSetGeoTransform(ds, gtPtr);
    if (g.GDALSetProjection(ds, req.crs) !== 0) throw new CrsError('CRS_INVALID', `encode: GDAL cannot use the CRS ${req.crs.slice(0, 60)}`, { input: 'crs' });
    const args = ['-q', '-of', req.format];
    if (req.nodata !== null) args.push('-a_nodata', Number.isNaN(req.nodata) ? 'nan' : String(req.nodata));
    for (const co of req.creationOptions ?? []) args.push('-co', co);
    const argv = g.stringList(args);
    const opts = g.GDALTranslateOptionsNew(argv.ptr, 0);
    argv.free();
    if (!opts) throw new ArgumentError('creationOptions', `GDAL creation options (${lastError()})`, args.join(' '));
    g.CPLErrorReset();
    const out = g.GDALTranslate(path, ds, opts, 0);
    g.GDALTranslateOptionsFree(opts);
    if (!out) throw new EngineError('ENGINE_FAILED', `encode: GDAL could not write ${req.format}: ${lastError()}`, { input: req.format });
    g.GDALClose(out);
    return M.FS.readFile(path) as Uint8Array;
  } finally {
    if (ds) g.GDALClose(ds);
    M._free(ptr);
    try {
      M.FS.unlink(path);
    } catch {
      /* not written */
    }
  }
}
