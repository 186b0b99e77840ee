/**
 * Instantiates GDAL (gdal3.js's Emscripten build) and wraps the few C functions the engine uses.
 * Runs wherever the engine runs: inside a worker, or in-thread on edge runtimes.
 */
import CModule from 'gdal3.js/build/package/gdal3WebAssembly.js';
import type { EngineAssetConfig } from '../src/engine/protocol.js';
import { EngineError } from '../src/core/errors.js';
import { loadAssets } from './assets.js';
import { installNodeShims } from './runtime.js';

export interface GdalModule {
  // biome-ignore lint/suspicious/noExplicitAny: the Emscripten module (GDAL's C API and FS) has no type declarations
  M: any;
  /** Set once GDAL aborted (a fatal error, e.g. memory exhausted): the module is unusable after it. */
  aborted: string | null;
  /** Lines GDAL printed to stderr since the last `takeMessages()`. */
  takeMessages(): string[];
  GDALOpen(path: string, access: number): number;
  GDALGetDriverByName(name: string): number;
  GDALCreate(driver: number, path: string, width: number, height: number, bands: number, type: number, options: number): number;
  GDALClose(ds: number): void;
  GDALInfo(ds: number, opts: number): number;
  GDALInfoOptionsNew(argv: number, binary: number): number;
  GDALInfoOptionsFree(opts: number): void;
  GDALWarp(dst: string | null, dstDs: number, n: number, srcList: number, opts: number, usageErr: number): number;
  GDALWarpAppOptionsNew(argv: number, binary: number): number;
  GDALWarpAppOptionsFree(opts: number): void;
  GDALTranslate(dst: string, ds: number, opts: number, usageErr: number): number;
  GDALTranslateOptionsNew(argv: number, binary: number): number;
  GDALTranslateOptionsFree(opts: number): void;
  GDALSetGeoTransform(ds: number, gt: number): number;
  GDALGetGeoTransform(ds: number, gt: number): number;
  GDALSetProjection(ds: number, wkt: string): number;
  GDALGetProjectionRef(ds: number): string;
  GDALGetRasterXSize(ds: number): number;
  GDALGetRasterYSize(ds: number): number;
  GDALGetRasterCount(ds: number): number;
  GDALGetRasterBand(ds: number, band: number): number;
  GDALGetRasterDataType(band: number): number;
  /** The band's nodata; `hasNodata` points to an int set to 1 when it has one. */
  GDALGetRasterNoDataValue(band: number, hasNodata: number): number;
  OSRNewSpatialReference(wkt: string | null): number;
  OSRSetFromUserInput(srs: number, input: string): number;
  OSRExportToWkt(srs: number, out: number): number;
  /** The CRS `srs` as GDAL writes it by default (WKT1), the string GDAL allocated freed; '' where GDAL cannot write it. */
  exportWkt(srs: number): string;
  OSRDestroySpatialReference(srs: number): void;
  OSRSetAxisMappingStrategy(srs: number, strategy: number): void;
  /** The dataset's CRS (owned by the dataset), 0 when it has none. */
  GDALGetSpatialRef(ds: number): number;
  OCTNewCoordinateTransformation(source: number, target: number): number;
  /** Transforms `n` points in place (x, y, z: pointers to doubles, z may be 0); 0 when any failed (those become HUGE_VAL). */
  OCTTransform(ct: number, n: number, x: number, y: number, z: number): number;
  OCTDestroyCoordinateTransformation(ct: number): void;
  GDALOpenEx(path: string, flags: number, drivers: number, options: number, siblings: number): number;
  GDALVectorTranslate(dst: string | null, dstDs: number, n: number, srcList: number, opts: number, usageErr: number): number;
  GDALVectorTranslateOptionsNew(argv: number, binary: number): number;
  GDALVectorTranslateOptionsFree(opts: number): void;
  GDALVectorInfo(ds: number, opts: number): number;
  GDALVectorInfoOptionsNew(argv: number, binary: number): number;
  GDALVectorInfoOptionsFree(opts: number): void;
  GDALRasterize(dst: string | null, dstDs: number, srcDs: number, opts: number, usageErr: number): number;
  GDALRasterizeOptionsNew(argv: number, binary: number): number;
  GDALRasterizeOptionsFree(opts: number): void;
  CPLErrorReset(): void;
  CPLGetLastErrorMsg(): string;
  CPLSetConfigOption(key: string, value: string | null): void;
  /** Allocates a NULL-terminated char** list; free it with the returned function. */
  stringList(items: string[]): { ptr: number; free(): void };
  /**
   * A GDAL utility's options from command-line `args` (0 when GDAL refuses them), handed to `use`
   * and freed after it, whatever it does.
   */
  withOptions<T>(app: OptionsApp, args: string[], use: (opts: number) => T): T;
}

/** The GDAL utilities whose library form takes an options object: `GDAL<app>OptionsNew`/`Free`. */
export type OptionsApp = 'Info' | 'WarpApp' | 'Translate' | 'VectorTranslate' | 'VectorInfo' | 'Rasterize';

export async function loadGdal(config: EngineAssetConfig): Promise<GdalModule> {
  await installNodeShims();
  const assets = await loadAssets(config);
  const messages: string[] = [];
  const state = { aborted: null as string | null };
  // biome-ignore lint/suspicious/noExplicitAny: the Emscripten module has no type declarations
  let M: any;
  // A failed instantiation inside instantiateWasm must end the start, not leave it waiting forever.
  let failStart: (e: Error) => void = () => {};
  const startFailed = new Promise<never>((_, reject) => (failStart = reject));
  try {
    M = await Promise.race([
      startFailed,
      CModule({
        print: () => {},
        printErr: (line: string) => {
          messages.push(line);
          if (messages.length > 200) messages.shift();
        },
        locateFile: (name: string) => name,
        onAbort: (what: unknown) => {
          const last = messages.slice(-3).join(' | ');
          state.aborted = `${what ? String(what) : 'abort()'}${last ? ` after: ${last}` : ''}`;
        },
        getPreloadedPackage: () => assets.data,
        instantiateWasm(imports: WebAssembly.Imports, receive: (inst: WebAssembly.Instance, mod?: WebAssembly.Module) => void) {
          const w = assets.wasm;
          const done =
            w instanceof WebAssembly.Module
              ? WebAssembly.instantiate(w, imports).then((inst) => receive(inst, w))
              : WebAssembly.instantiate(w, imports).then((r) => receive(r.instance, r.module));
          done.catch((e: unknown) => failStart(new EngineError('ENGINE_FAILED', `cannot instantiate GDAL's WebAssembly module: ${String(e)}`)));
          return {};
        },
        preRun: [
          ({ ENV }: { ENV: Record<string, string> }) => {
            ENV.PROJ_LIB = '/usr/share/proj';
            ENV.GDAL_DATA = '/usr/share/gdal';
            ENV.GDAL_NUM_THREADS = '0';
            ENV.CPL_LOG_ERRORS = 'ON';
            // GDAL's block cache (decompressed blocks) per worker, in MB: bounded, unless configured.
            ENV.GDAL_CACHEMAX = '64';
            for (const [k, v] of Object.entries(config.gdalConfig ?? {})) ENV[k] = v;
            // Belts to the sandbox's braces (sandbox.ts, vrt-guard.ts), not to be configured away.
            ENV.GDAL_VRT_ENABLE_PYTHON = 'NO';
          },
        ],
      }),
    ]);
  } catch (e) {
    if (e instanceof EngineError) throw e;
    throw new EngineError('ENGINE_FAILED', `GDAL WebAssembly failed to start: ${(e as Error)?.message ?? String(e)}`);
  }
  M.ccall('GDALAllRegister', null, [], []);
  const c = (name: string, ret: string | null, args: string[]) => M.cwrap(name, ret, args);
  const N = 'number';
  const S = 'string';
  const mod: GdalModule = {
    M,
    get aborted() {
      return state.aborted;
    },
    takeMessages: () => messages.splice(0, messages.length),
    GDALOpen: c('GDALOpen', N, [S, N]),
    GDALGetDriverByName: c('GDALGetDriverByName', N, [S]),
    GDALCreate: c('GDALCreate', N, [N, S, N, N, N, N, N]),
    GDALClose: c('GDALClose', null, [N]),
    GDALInfo: c('GDALInfo', N, [N, N]),
    GDALInfoOptionsNew: c('GDALInfoOptionsNew', N, [N, N]),
    GDALInfoOptionsFree: c('GDALInfoOptionsFree', null, [N]),
    GDALWarp: c('GDALWarp', N, [S, N, N, N, N, N]),
    GDALWarpAppOptionsNew: c('GDALWarpAppOptionsNew', N, [N, N]),
    GDALWarpAppOptionsFree: c('GDALWarpAppOptionsFree', null, [N]),
    GDALTranslate: c('GDALTranslate', N, [S, N, N, N]),
    GDALTranslateOptionsNew: c('GDALTranslateOptionsNew', N, [N, N]),
    GDALTranslateOptionsFree: c('GDALTranslateOptionsFree', null, [N]),
    GDALSetGeoTransform: c('GDALSetGeoTransform', N, [N, N]),
    GDALGetGeoTransform: c('GDALGetGeoTransform', N, [N, N]),
    GDALSetProjection: c('GDALSetProjection', N, [N, S]),
    GDALGetProjectionRef: c('GDALGetProjectionRef', S, [N]),
    GDALGetRasterXSize: c('GDALGetRasterXSize', N, [N]),
    GDALGetRasterYSize: c('GDALGetRasterYSize', N, [N]),
    GDALGetRasterCount: c('GDALGetRasterCount', N, [N]),
    GDALGetRasterBand: c('GDALGetRasterBand', N, [N, N]),
    GDALGetRasterDataType: c('GDALGetRasterDataType', N, [N]),
    GDALGetRasterNoDataValue: c('GDALGetRasterNoDataValue', N, [N, N]),
    OSRNewSpatialReference: c('OSRNewSpatialReference', N, [S]),
    OSRSetFromUserInput: c('OSRSetFromUserInput', N, [N, S]),
    OSRExportToWkt: c('OSRExportToWkt', N, [N, N]),
    OSRDestroySpatialReference: c('OSRDestroySpatialReference', null, [N]),
    OSRSetAxisMappingStrategy: c('OSRSetAxisMappingStrategy', null, [N, N]),
    GDALGetSpatialRef: c('GDALGetSpatialRef', N, [N]),
    OCTNewCoordinateTransformation: c('OCTNewCoordinateTransformation', N, [N, N]),
    OCTTransform: c('OCTTransform', N, [N, N, N, N, N]),
    OCTDestroyCoordinateTransformation: c('OCTDestroyCoordinateTransformation', null, [N]),
    GDALOpenEx: c('GDALOpenEx', N, [S, N, N, N, N]),
    GDALVectorTranslate: c('GDALVectorTranslate', N, [S, N, N, N, N, N]),
    GDALVectorTranslateOptionsNew: c('GDALVectorTranslateOptionsNew', N, [N, N]),
    GDALVectorTranslateOptionsFree: c('GDALVectorTranslateOptionsFree', null, [N]),
    GDALVectorInfo: c('GDALVectorInfo', N, [N, N]),
    GDALVectorInfoOptionsNew: c('GDALVectorInfoOptionsNew', N, [N, N]),
    GDALVectorInfoOptionsFree: c('GDALVectorInfoOptionsFree', null, [N]),
    GDALRasterize: c('GDALRasterize', N, [S, N, N, N, N]),
    GDALRasterizeOptionsNew: c('GDALRasterizeOptionsNew', N, [N, N]),
    GDALRasterizeOptionsFree: c('GDALRasterizeOptionsFree', null, [N]),
    CPLErrorReset: c('CPLErrorReset', null, []),
    CPLGetLastErrorMsg: c('CPLGetLastErrorMsg', S, []),
    CPLSetConfigOption: c('CPLSetConfigOption', null, [S, S]),
    exportWkt(srs: number): string {
      const out = M._malloc(4);
      M.HEAPU32[out >>> 2] = 0;
      try {
        const failed = mod.OSRExportToWkt(srs, out) !== 0;
        const p = M.HEAPU32[out >>> 2];
        const s = p && !failed ? M.UTF8ToString(p) : '';
        if (p) M._free(p);
        return s;
      } finally {
        M._free(out);
      }
    },
    stringList(items: string[]) {
      const ptrs = items.map((s) => {
        const n = M.lengthBytesUTF8(s) + 1;
        const p = M._malloc(n);
        M.stringToUTF8(s, p, n);
        return p;
      });
      const list = M._malloc((ptrs.length + 1) * 4);
      M.HEAPU32.set([...ptrs, 0], list >>> 2);
      return {
        ptr: list,
        free() {
          for (const p of ptrs) M._free(p);
          M._free(list);
        },
      };
    },
    withOptions<T>(app: OptionsApp, args: string[], use: (opts: number) => T): T {
      const argv = mod.stringList(args);
      const opts = (mod[`GDAL${app}OptionsNew`] as (a: number, b: number) => number)(argv.ptr, 0);
      argv.free();
      try {
        return use(opts);
      } finally {
        if (opts) (mod[`GDAL${app}OptionsFree`] as (o: number) => void)(opts);
      }
    },
  };
  return mod;
}
