/**
 * Several rasters as the bands of one source (a STAC item's assets: one COG per band, each at its
 * own resolution and CRS): every window is warped from each member through the same box onto the
 * same grid (in parallel across the workers) and the members' bands are laid one after another.
 * Its own grid is the finest member's, extended over all. Scale and offset per band (STAC's
 * raster:bands) apply when given.
 */
import type { Bounds } from '../core/box.js';
import { ArgumentError, EngineError } from '../core/errors.js';
import { type DataType, isFloat, typedArrayFor } from '../core/pixels.js';
import { parseCrs } from '../crs/index.js';
import { gridOver } from './mosaic.js';
import type { RasterMeta } from './protocol.js';
import type { Raster, Window } from './raster.js';
import { type ReadWindowOptions, toWindowRequest } from './validate.js';
import { ComposedSource, type RasterReader } from './composed-source.js';

export type { RasterReader };

export interface StackMember {
  /** The band's name (a STAC asset key). */
  name: string;
  raster: Raster;
  /** Per band of the member: value × scale + offset, when the stack applies scales. */
  scales?: { scale: number; offset: number }[];
}

export interface StackOptions {
  label: string;
  /** Apply each member's scales (the output is then floating point). */
  applyScale?: boolean;
}

export class RasterStack extends ComposedSource implements RasterReader {
  readonly meta: RasterMeta;
  readonly label: string;
  /** The name of each band, in order: a member's name, with `#k` after it for a member's k-th band past its first. */
  readonly bandNames: string[];
  /** For each stack band (0-based): its member and its band in that member (1-based). */
  private readonly bandOf: { member: number; band: number }[];
  /** The type holding every member's own values (what members are read in before scaling). */
  private readonly rawType: DataType;

  constructor(
    private readonly members: StackMember[],
    private readonly options: StackOptions,
  ) {
    super(() => members.map((m) => m.raster), 'a stack of rasters');
    if (members.length === 0) throw new ArgumentError('members', 'at least one raster', members);
    this.label = options.label;
    const ref = finest(members.map((m) => m.raster.meta));
    const metas = members.map((m) => m.raster.meta);
    const types = metas.flatMap((m) => m.dtypes as DataType[]);
    const dtype = commonType(types, !!options.applyScale);
    this.rawType = commonType(types, false);
    this.bandOf = members.flatMap((m, i) => Array.from({ length: m.raster.meta.count }, (_, b) => ({ member: i, band: b + 1 })));
    this.bandNames = this.bandOf.map(({ member, band }) => (band === 1 ? members[member].name : `${members[member].name}#${band}`));
    const nodatavals = metas.flatMap((m) => m.nodatavals);
    const same = nodatavals.every((v) => Object.is(v, nodatavals[0]));
    const nodata = same ? nodatavals[0] : null;
    this.meta = {
      ...metas[ref],
      driver: 'stack',
      ...gridOver(
        metas[ref],
        metas.filter((_, i) => i !== ref),
      ),
      count: this.bandOf.length,
      dtype,
      dtypes: this.bandOf.map(() => dtype),
      nodata,
      nodatavals: this.bandOf.map(() => nodata),
      files: metas.flatMap((m) => m.files),
      overviews: undefined,
      parts: undefined,
      alpha: metas.some((m) => m.alpha) || undefined,
    };
  }

  describe(): RasterMeta {
    return this.meta;
  }

  /** Each member warped through the box onto the window's grid, its bands in the stack's order (a validity layer: where every band has data). */
  async readWindow(options: ReadWindowOptions): Promise<Window> {
    if (this.closed) throw new EngineError('ENGINE_CLOSED', `${this.label}: source is closed`, { input: this.label });
    const req = toWindowRequest(options, this.meta);
    const wanted = req.bands.map((b) => this.bandOf[b - 1]);
    const byMember = new Map<number, number[]>();
    for (const w of wanted) byMember.set(w.member, [...(byMember.get(w.member) ?? []), w.band]);
    const order = [...byMember.keys()];
    const scaled = !!this.options.applyScale;
    const reads = await Promise.all(
      order.map((i) =>
        this.members[i].raster.readWindow({
          bounds: req.bounds,
          crs: req.crs,
          width: req.width,
          height: req.height,
          resampling: req.resampling,
          bands: byMember.get(i)!,
          // Scaled: each asset warped in its own values (as gdalwarp gives them), scaled after.
          dtype: scaled ? this.rawType : req.dtype,
          nodata: req.nodata,
          mask: req.mask,
          overviews: req.overviews,
          rotation: req.rotation,
          signal: options.signal,
        }),
      ),
    );
    const plane = req.width * req.height;
    const layers = req.bands.length + (req.mask ? 1 : 0);
    const data = typedArrayFor(req.dtype, plane * layers);
    const used = new Map<number, number>();
    wanted.forEach((w, k) => {
      const r = reads[order.indexOf(w.member)];
      const at = used.get(w.member) ?? 0;
      used.set(w.member, at + 1);
      const src = r.data.subarray(at * plane, (at + 1) * plane);
      const s = scaled ? this.members[w.member].scales?.[w.band - 1] : undefined;
      if (s && (s.scale !== 1 || s.offset !== 0)) {
        const nd = req.nodata;
        for (let p = 0; p < plane; p++) {
          const v = src[p];
          data[k * plane + p] = nd !== null && (v === nd || (Number.isNaN(nd) && Number.isNaN(v))) ? v : v * s.scale + s.offset;
        }
      } else data.set(src, k * plane);
    });
    if (req.mask) {
      const m = data.subarray(req.bands.length * plane);
      m.fill(1);
      reads.forEach((r, j) => {
        const rm = r.data.subarray(byMember.get(order[j])!.length * plane);
        for (let p = 0; p < plane; p++) if (!rm[p]) m[p] = 0;
      });
    }
    return { data, shape: [layers, req.height, req.width], dtype: req.dtype, nodata: req.nodata, bounds: req.bounds as Bounds, crs: req.crs };
  }

  /** Starts fetching the tiles each member's window will read (remote COGs). */
  async prefetch(options: ReadWindowOptions): Promise<void> {
    await Promise.all(this.members.map((m) => m.raster.prefetch({ ...options, bands: undefined })));
  }
}

/** The member with the finest pixels, in metres (degrees taken as 111,320 m); the first on a tie. */
function finest(metas: RasterMeta[]): number {
  let best = 0;
  let size = Infinity;
  metas.forEach((m, i) => {
    if (!m.res || !m.crs) throw new ArgumentError('members', 'georeferenced rasters', m.files[0]);
    const c = parseCrs(m.crs.wkt1);
    const perUnit = c.isGeographic ? 111_320 : Number.isFinite(c.metresPerUnit) ? c.metresPerUnit : 1;
    const s = Math.min(m.res[0], m.res[1]) * perUnit;
    if (s < size * (1 - 1e-9)) {
      size = s;
      best = i;
    }
  });
  return best;
}

const UNSIGNED = ['uint8', 'uint16', 'uint32'];
const SIGNED = ['int8', 'int16', 'int32'];

/** One type that holds every member's values: the widest of one kind, else a wider signed or float. */
export function commonType(types: DataType[], scaled: boolean): DataType {
  const t = [...new Set(types)];
  if (t.includes('float64')) return 'float64';
  if (scaled || t.some((x) => isFloat(x))) return t.some((x) => x === 'int32' || x === 'uint32') ? 'float64' : 'float32';
  if (t.length === 1) return t[0];
  const u = Math.max(-1, ...t.map((x) => UNSIGNED.indexOf(x)));
  const s = Math.max(-1, ...t.map((x) => SIGNED.indexOf(x)));
  if (s < 0) return UNSIGNED[u] as DataType;
  if (u < 0) return SIGNED[s] as DataType;
  const need = Math.max(s, u + 1); // a signed type one size above the widest unsigned
  return need < SIGNED.length ? (SIGNED[need] as DataType) : 'float64';
}
