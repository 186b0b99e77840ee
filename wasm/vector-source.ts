/**
 * Vector sources read as rasters: a layer of GeoJSON, a shapefile, a GeoPackage or FlatGeobuf,
 * rasterized by GDAL (gdal_rasterize's library form) through each box, reprojected on the fly.
 *
 * At open the layer is copied once into a FlatGeobuf in memory with a packed R-tree, keeping only
 * what rasterizing needs: `gt_id` (the feature's position in the layer, 1-based, for instances)
 * and `gt_burn` (the burned attribute). Per box, ogr2ogr's spatial filter (-spat, in the box's CRS)
 * takes the features near the box through the index, so a layer of 100,000 polygons costs no more
 * per sample than the few the box meets, and gdal_rasterize burns them into the target grid.
 */
import type { RasterizeSpec, RasterMeta, VectorInfo, WindowRequest, WindowResult } from '../src/engine/protocol.js';
import { heapView, type TargetGrids } from './target-grids.js';
import { ArgumentError, SampleError, SourceError } from '../src/core/errors.js';
import { turnedEnvelope } from '../src/core/box.js';
import type { GdalModule } from './gdal-module.js';

/** Drivers a vector source may be read with: self-contained formats (no references to other files or URLs). */
const DRIVERS = ['GeoJSON', 'GeoJSONSeq', 'ESRI Shapefile', 'GPKG', 'FlatGeobuf', 'KML', 'GPX', 'CSV', 'MapInfo File'];
const GDAL_OF_VECTOR = 0x04;
const GDAL_OF_VERBOSE_ERROR = 0x40;
const NUMERIC = new Set(['Integer', 'Integer64', 'Real']);

export interface VectorLayer {
  /** The indexed copy, and its outlines for the boundary layer (0 without). */
  ds: number;
  lines: number;
  paths: string[];
  /** The folder of the copies (in Emscripten's memory file system, removed on close). */
  dir: string;
  spec: RasterizeSpec;
  /**
   * A remote FlatGeobuf read in place (no copy): `ds` is the source itself, each box's features come
   * through its own packed R-tree by range reads; `layer` is its layer name, `path` its lazy file.
   */
  direct?: { layer: string; path: string; stale: boolean };
}

interface InfoJson {
  driverShortName?: string;
  layers?: {
    name: string;
    featureCount?: number;
    geometryFields?: { type?: string; extent?: number[]; coordinateSystem?: { wkt?: string } | null }[];
    fields?: { name: string; type: string }[];
  }[];
}

let seq = 0;

/** An identifier in OGR SQL: double-quoted, its quotes doubled. */
const quote = (s: string): string => `"${s.replace(/"/g, '""')}"`;

export class VectorSources {
  constructor(
    private readonly g: GdalModule,
    private readonly lastError: () => string,
    /** Throws when the last GDAL call missed remote bytes (replay) or a fetch failed (the engine's checkLazy). */
    private readonly checkLazy: (label: string) => void,
  ) {}

  /**
   * A call over a layer read in place: re-opened first if the last call failed on remote bytes (GDAL
   * may hold the failure); missed or failed bytes make this call fail too, so the pool replays it.
   */
  guarded<T>(layer: VectorLayer, label: string, f: () => T): T {
    if (!layer.direct) return f();
    let out: T | undefined;
    let err: unknown;
    try {
      this.refresh(layer, label);
      out = f();
    } catch (e) {
      err = e;
    }
    try {
      this.checkLazy(label);
    } catch (e) {
      layer.direct.stale = true;
      throw e;
    }
    if (err !== undefined) throw err;
    return out as T;
  }

  /**
   * Opens `path` as a vector, checks the rasterize options against it, and builds the indexed copy —
   * or, with `inPlace` (a remote file), reads a FlatGeobuf with a spatial index where it is.
   */
  open(path: string, spec: RasterizeSpec, label: string, inPlace = false): { layer: VectorLayer; meta: Omit<RasterMeta, 'crs'>; crs: string } {
    const g = this.g;
    let src = this.openEx(path, label, DRIVERS);
    const dir = `/vec/${++seq}`;
    const FS = g.M.FS;
    if (!FS.analyzePath('/vec').exists) FS.mkdir('/vec');
    FS.mkdir(dir);
    const layer: VectorLayer = { ds: 0, lines: 0, paths: [], dir, spec };
    try {
      const info = this.info(src, label);
      const names = (info.layers ?? []).map((l) => l.name);
      if (names.length === 0) throw new SourceError('SOURCE_UNREADABLE', `${label}: holds no vector layer`, { input: label });
      if (spec.layer !== undefined && !names.includes(spec.layer)) {
        throw new ArgumentError('layer', `one of the layers of ${label}: ${names.join(', ')}`, spec.layer);
      }
      const name = spec.layer ?? names[0];
      const l = info.layers!.find((x) => x.name === name)!;
      const fields = l.fields ?? [];
      const geom = l.geometryFields?.[0];
      const count = l.featureCount ?? 0;
      if (!geom) throw new SourceError('SOURCE_UNREADABLE', `${label}: layer ${name} has no geometry column, so there is nothing to rasterize`, { input: label });
      if (count === 0) throw new SourceError('SOURCE_UNREADABLE', `${label}: layer ${name} is empty (0 features), so there is nothing to rasterize`, { input: label });
      const wkt = spec.crs ? null : (geom.coordinateSystem?.wkt ?? null);
      if (!spec.crs && !wkt) {
        throw new SourceError('SOURCE_NOT_GEOREFERENCED', `${label}: layer ${name} has no CRS, so its features cannot be placed in a box (give one: the crs option)`, {
          input: label,
        });
      }
      if (typeof spec.burn === 'string' && spec.mode === 'semantic') {
        const f = fields.find((x) => x.name === spec.burn);
        if (!f) throw new ArgumentError('burn', `a numeric attribute of ${label} (${fields.map((x) => x.name).join(', ') || 'it has none'})`, spec.burn);
        if (!NUMERIC.has(f.type)) throw new ArgumentError('burn', `a numeric attribute of ${label} (${spec.burn} is ${f.type})`, spec.burn);
      }
      if (inPlace && info.driverShortName === 'FlatGeobuf' && !spec.boundary && !spec.crs && l.geometryFields?.[0]?.extent) {
        layer.ds = src;
        layer.direct = { layer: name, path, stale: false };
        src = 0;
        return { layer, meta: this.meta(info, name, spec, path), crs: wkt! };
      }
      // 1. The layer as it is, in its order (FlatGeobuf numbers features 0, 1, ... as written).
      const plain = `${dir}/plain.fgb`;
      const a = ['-f', 'FlatGeobuf', '-lco', 'SPATIAL_INDEX=NO', '-nln', 'features', '-skipfailures'];
      if (spec.crs) a.push('-a_srs', spec.crs);
      this.translate(plain, src, [...a, name], label);
      layer.paths.push(plain);
      const plainDs = this.openEx(plain, label, ['FlatGeobuf']);
      // 2. What rasterizing needs, with a packed R-tree.
      const indexed = `${dir}/indexed.fgb`;
      const burn = typeof spec.burn === 'string' && spec.mode === 'semantic' ? `, "${spec.burn.replace(/"/g, '""')}" AS gt_burn` : '';
      try {
        this.translate(
          indexed,
          plainDs,
          ['-f', 'FlatGeobuf', '-lco', 'SPATIAL_INDEX=YES', '-nln', 'features', '-dialect', 'OGRSQL', '-sql', `SELECT FID+1 AS gt_id${burn} FROM features`],
          label,
        );
      } finally {
        g.GDALClose(plainDs);
      }
      layer.paths.push(indexed);
      unlink(g, plain);
      layer.paths.shift();
      layer.ds = this.openEx(indexed, label, ['FlatGeobuf']);
      if (spec.boundary) {
        const lines = `${dir}/lines.fgb`;
        this.translate(lines, layer.ds, ['-f', 'FlatGeobuf', '-lco', 'SPATIAL_INDEX=YES', '-nln', 'features', '-nlt', 'MULTILINESTRING', '-skipfailures'], label);
        layer.paths.push(lines);
        layer.lines = this.openEx(lines, label, ['FlatGeobuf']);
      }
      return { layer, meta: this.meta(info, name, spec, path), crs: wkt ?? spec.crs! };
    } catch (e) {
      this.close(layer);
      throw e;
    } finally {
      if (src) g.GDALClose(src);
    }
  }

  /** The description of the opened layer, as a raster's meta (no pixels, bounds from the layer's extent). */
  private meta(info: InfoJson, name: string, spec: RasterizeSpec, path: string): Omit<RasterMeta, 'crs'> {
    const l = info.layers!.find((x) => x.name === name)!;
    const fields = l.fields ?? [];
    const geom = l.geometryFields![0];
    const names = (info.layers ?? []).map((x) => x.name);
    const count = l.featureCount ?? 0;
    const vector: VectorInfo = { driver: info.driverShortName ?? '', layer: name, layers: names, featureCount: count, geometryType: geom.type ?? 'Unknown', fields };
    const ext = geom.extent;
    const bounds = ext && ext.length >= 4 && ext.every(Number.isFinite) ? ([ext[0], ext[1], ext[2], ext[3]] as [number, number, number, number]) : null;
    const nb = spec.boundary ? 2 : 1;
    return {
      driver: vector.driver,
      dtype: spec.dtype,
      dtypes: Array(nb).fill(spec.dtype),
      nodata: null,
      nodatavals: Array(nb).fill(null),
      width: 0,
      height: 0,
      count: nb,
      transform: null,
      bounds,
      res: null,
      blockSize: null,
      files: [path],
      vector,
    };
  }

  /** The pixels of a box: the background, then the features near it burned by GDAL into the target grid. */
  read(layer: VectorLayer, targets: TargetGrids, req: WindowRequest, label: string): WindowResult {
    const { M } = this.g;
    const { width, height, dtype } = req;
    const nb = req.bands.length;
    const target = targets.get(width, height, nb, dtype, req.crs);
    targets.place(target, req.bounds, width, height, req.rotation);
    const plane = width * height;
    const view = heapView(M, dtype, target.ptr, plane * nb);
    req.bands.forEach((b, i) => view.fill(b === 1 ? layer.spec.background : 0, i * plane, (i + 1) * plane));
    this.rasterize(layer, target.ds, req, label);
    const data = targets.copyOut(target, dtype, plane * nb);
    return { data, shape: [nb, height, width], dtype, nodata: req.nodata, heapBytes: M.HEAPU8.buffer.byteLength };
  }

  /** A layer read in place whose last call missed or failed on remote bytes: opened again (GDAL may hold the failure). */
  refresh(layer: VectorLayer, label: string): void {
    if (!layer.direct?.stale) return;
    if (layer.ds) this.g.GDALClose(layer.ds);
    layer.ds = 0;
    layer.ds = this.openEx(layer.direct.path, label, ['FlatGeobuf']);
    layer.direct.stale = false;
  }

  /**
   * The box's features as rasterize takes them: the indexed copy's layer, or — for a layer read in
   * place, whose box is selected with its FIDs kept — the same fields computed by OGR SQL.
   */
  private selection(layer: VectorLayer, inPlace: boolean): string[] {
    if (!inPlace) return ['-l', 'features'];
    const { spec } = layer;
    const burn = typeof spec.burn === 'string' && spec.mode === 'semantic' ? `, ${quote(spec.burn)} AS gt_burn` : '';
    return ['-dialect', 'OGRSQL', '-sql', `SELECT FID+1 AS gt_id${burn} FROM features`];
  }

  /** The indexed copy's features (geometry and `gt_id`) as GeoJSON bytes, coordinates as stored (RFC 7946 off). */
  geojson(layer: VectorLayer, label: string): Uint8Array {
    const path = `${layer.dir}/features.geojson`;
    const sql = ['-dialect', 'OGRSQL', '-sql', layer.direct ? `SELECT FID+1 AS gt_id FROM ${quote(layer.direct.layer)}` : 'SELECT gt_id FROM features'];
    this.translate(path, layer.ds, ['-f', 'GeoJSON', '-lco', 'RFC7946=NO', '-lco', 'COORDINATE_PRECISION=15', '-nln', 'features', ...sql], label);
    try {
      return this.g.M.FS.readFile(path) as Uint8Array;
    } finally {
      unlink(this.g, path);
    }
  }

  /** Burns the features near the box into the target grid (georeferenced and filled with the background). */
  private rasterize(layer: VectorLayer, targetDs: number, req: WindowRequest, label: string): void {
    const { spec } = layer;
    const burn = spec.mode === 'instance' ? ['-a', 'gt_id'] : typeof spec.burn === 'string' ? ['-a', 'gt_burn'] : ['-burn', String(spec.burn)];
    const bands = req.bands;
    const first = bands.indexOf(1);
    if (first >= 0) this.burn(layer, layer.ds, targetDs, req, [...burn, ...(spec.allTouched ? ['-at'] : [])], first + 1, label);
    const second = bands.indexOf(2);
    if (second >= 0 && layer.lines) this.burn(layer, layer.lines, targetDs, req, ['-burn', '1'], second + 1, label);
  }

  close(layer: VectorLayer): void {
    if (layer.ds) this.g.GDALClose(layer.ds);
    if (layer.lines) this.g.GDALClose(layer.lines);
    layer.ds = 0;
    layer.lines = 0;
    for (const p of layer.paths) unlink(this.g, p);
    layer.paths = [];
    const FS = this.g.M.FS;
    if (layer.dir && FS.analyzePath(layer.dir).exists) FS.rmdir(layer.dir);
    layer.dir = '';
  }

  private burn(layer: VectorLayer, ds: number, targetDs: number, req: WindowRequest, burn: string[], band: number, label: string): void {
    const g = this.g;
    // The features near the box: a margin of a quarter of the box on each side covers the curvature
    // of the box's edges in the layer's CRS (features beyond the box are cut by the grid anyway).
    const [minx, miny, maxx, maxy] = turnedEnvelope(req.bounds, req.rotation);
    const mx = (maxx - minx) / 4;
    const my = (maxy - miny) / 4;
    const spat = [minx - mx, miny - my, maxx + mx, maxy + my].map(String);
    // A layer read in place keeps its FIDs (positions), from which the selection computes the ids.
    const inPlace = !!layer.direct && ds === layer.ds;
    const near = this.translateTo(null, ds, ['-f', 'Memory', '-spat', ...spat, '-spat_srs', req.crs, ...(inPlace ? ['-preserve_fid', '-nln', 'features'] : [])], label, req);
    try {
      const args = ['-b', String(band), ...burn, ...this.selection(layer, inPlace)];
      const out = g.withOptions('Rasterize', args, (opts) => {
        if (!opts) throw new SampleError('SAMPLE_FAILED', `${label}: invalid rasterize options ${args.join(' ')}: ${this.lastError()}`, { input: label });
        g.CPLErrorReset();
        g.takeMessages();
        return g.GDALRasterize(null, targetDs, near, opts, 0);
      });
      if (!out) {
        throw new SampleError('SAMPLE_FAILED', `${label}: GDAL could not rasterize the box [${req.bounds.join(', ')}]: ${this.lastError()}`, {
          input: label,
          bounds: [...req.bounds],
        });
      }
    } finally {
      g.GDALClose(near);
    }
  }

  private openEx(path: string, label: string, drivers: string[]): number {
    const g = this.g;
    const list = g.stringList(drivers);
    g.CPLErrorReset();
    g.takeMessages();
    const ds = g.GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_VERBOSE_ERROR, list.ptr, 0, 0);
    list.free();
    if (!ds) {
      const msg = this.lastError();
      throw new SourceError(
        'SOURCE_UNREADABLE',
        `${label}: GDAL cannot open it as a vector layer (GeoJSON, shapefile, GeoPackage, FlatGeobuf, KML, GPX, CSV)${msg ? ` (${msg})` : ''}`,
        {
          input: label,
          gdalMessage: msg,
        },
      );
    }
    return ds;
  }

  private info(ds: number, label: string): InfoJson {
    const g = this.g;
    const p = g.withOptions('VectorInfo', ['-json', '-so', '-al'], (opts) => g.GDALVectorInfo(ds, opts));
    if (!p) throw new SourceError('SOURCE_UNREADABLE', `${label}: GDAL cannot describe its layers: ${this.lastError()}`, { input: label });
    const text = g.M.UTF8ToString(p) as string;
    g.M._free(p);
    try {
      return JSON.parse(text) as InfoJson;
    } catch {
      throw new SourceError('SOURCE_UNREADABLE', `${label}: GDAL's description of its layers is not JSON`, { input: label });
    }
  }

  private translate(dest: string, src: number, args: string[], label: string): void {
    this.g.GDALClose(this.translateTo(dest, src, args, label));
  }

  private translateTo(dest: string | null, src: number, args: string[], label: string, req?: WindowRequest): number {
    const g = this.g;
    const out = g.withOptions('VectorTranslate', args, (opts) => {
      if (!opts) throw new SourceError('SOURCE_UNREADABLE', `${label}: invalid vector options: ${this.lastError()}`, { input: label });
      const list = g.M._malloc(4);
      g.M.HEAPU32[list >>> 2] = src;
      g.CPLErrorReset();
      g.takeMessages();
      try {
        return g.GDALVectorTranslate(dest ?? '', 0, 1, list, opts, 0);
      } finally {
        g.M._free(list);
      }
    });
    if (!out) {
      const msg = this.lastError();
      if (req)
        throw new SampleError('SAMPLE_FAILED', `${label}: GDAL could not find the features of the box [${req.bounds.join(', ')}]: ${msg}`, {
          input: label,
          bounds: [...req.bounds],
        });
      throw new SourceError('SOURCE_UNREADABLE', `${label}: GDAL could not read its features: ${msg}`, { input: label, gdalMessage: msg });
    }
    return out;
  }
}

function unlink(g: GdalModule, path: string): void {
  if (g.M.FS.analyzePath(path).exists) g.M.FS.unlink(path);
}
