/**
 * Pixels to a georeferenced raster file, by GDAL: a MEM dataset over the pixels (in WebAssembly
 * memory), its geotransform and CRS set, then `gdal_translate` to GeoTIFF or COG in the engine's
 * memory file system; the file's bytes are returned and the file removed.
 */
import type { EncodeRequest } from '../src/engine/protocol.js';
import { boxGeoTransform } from '../src/core/box.js';
import { bytesPerPixel, type DataType, type PixelArray } from '../src/core/pixels.js';
import { ArgumentError, CrsError, EngineError } from '../src/core/errors.js';
import { GDAL_TYPE_NAMES } from './describe.js';
import type { GdalModule } from './gdal-module.js';

let seq = 0;

/** Pixels (band-sequential) copied into WebAssembly memory and wrapped as a MEM dataset; `close()` frees both. */
export function pixelsDataset(
  g: GdalModule,
  data: PixelArray,
  width: number,
  height: number,
  bands: number,
  dtype: DataType,
  what: string,
  lastError: () => string,
): { ds: number; close(): void } {
  const { M } = g;
  const bytes = width * height * bands * bytesPerPixel(dtype);
  const ptr = M._malloc(bytes);
  if (!ptr) throw new EngineError('ENGINE_FAILED', `out of WebAssembly memory for ${what}`);
  M.HEAPU8.set(new Uint8Array(data.buffer, data.byteOffset, bytes), ptr);
  const ds = g.GDALOpen(`MEM:::DATAPOINTER=${ptr},PIXELS=${width},LINES=${height},BANDS=${bands},DATATYPE=${GDAL_TYPE_NAMES[dtype]}`, 1);
  if (!ds) {
    M._free(ptr);
    throw new EngineError('ENGINE_FAILED', `cannot wrap ${what}: ${lastError()}`);
  }
  return {
    ds,
    close() {
      g.GDALClose(ds);
      M._free(ptr);
    },
  };
}

/** gdal_translate of `ds` to `path` with `args` (-q added); `failure` makes the error of a failed write from GDAL's message. */
export function translate(g: GdalModule, ds: number, path: string, args: string[], lastError: () => string, failure: (gdalMessage: string) => Error): void {
  const out = g.withOptions('Translate', ['-q', ...args], (opts) => {
    if (!opts) throw new ArgumentError('creationOptions', `GDAL creation options (${lastError()})`, ['-q', ...args].join(' '));
    g.CPLErrorReset();
    return g.GDALTranslate(path, ds, opts, 0);
  });
  if (!out) throw failure(lastError());
  g.GDALClose(out);
}

export function encodeRaster(g: GdalModule, gtPtr: number, req: EncodeRequest, lastError: () => string): Uint8Array {
  const { M } = g;
  const n = req.width * req.height * req.bands;
  if (req.data.length !== n) throw new ArgumentError('data', `${n} pixels (bands × height × width = ${req.bands}×${req.height}×${req.width})`, `${req.data.length} pixels`);
  const path = `/tmp/geotensor-encode-${++seq}.tif`;
  const mem = pixelsDataset(g, req.data, req.width, req.height, req.bands, req.dtype, `a ${req.width}x${req.height}x${req.bands} raster`, lastError);
  try {
    M.HEAPF64.set(boxGeoTransform(req.bounds, req.width, req.height, req.rotation), gtPtr >>> 3);
    g.GDALSetGeoTransform(mem.ds, gtPtr);
    if (g.GDALSetProjection(mem.ds, req.crs) !== 0) throw new CrsError('CRS_INVALID', `encode: GDAL cannot use the CRS ${req.crs.slice(0, 60)}`, { input: 'crs' });
    const args = ['-of', req.format];
    if (req.nodata !== null) args.push('-a_nodata', Number.isNaN(req.nodata) ? 'nan' : String(req.nodata));
    for (const co of req.creationOptions ?? []) args.push('-co', co);
    translate(g, mem.ds, path, args, lastError, (msg) => new EngineError('ENGINE_FAILED', `encode: GDAL could not write ${req.format}: ${msg}`, { input: req.format }));
    return M.FS.readFile(path) as Uint8Array;
  } finally {
    mem.close();
    removeFile(g, path);
  }
}

/** Removes a file of the engine's memory file system, if it was written. */
export function removeFile(g: GdalModule, path: string): void {
  try {
    g.M.FS.unlink(path);
  } catch {
    /* not written */
  }
}
