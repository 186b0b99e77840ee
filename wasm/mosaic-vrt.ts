/**
 * Mosaics in the engine: files that share a CRS and a pixel size are joined into one VRT (so that a
 * bilinear or cubic kernel reads across their edges as across one raster: no seam); the groups,
 * one per CRS, are warped together, later groups drawn over earlier ones.
 */
import type { RasterMeta } from '../src/engine/protocol.js';
import { virtualOverviewFactors } from '../src/core/overviews.js';
import { GDAL_TYPE_NAMES } from './describe.js';

export interface PartGroup {
  /** Indices of the mosaic's files in this group. */
  parts: number[];
  /** A VRT joining the group's files, when it has more than one. */
  xml?: string;
}

export function groupParts(parts: { meta: RasterMeta; path: string }[]): PartGroup[] {
  const groups = new Map<string, number[]>();
  parts.forEach((p, i) => {
    const m = p.meta;
    const key = m.crs && m.res && m.transform && m.transform[1] === 0 && m.transform[3] === 0 ? `${m.res[0]}|${m.res[1]}|${m.crs.wkt1}` : `single:${i}`;
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });
  return [...groups.values()].map((idx) => (idx.length === 1 ? { parts: idx } : { parts: idx, xml: vrtXml(idx.map((i) => parts[i])) }));
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function vrtXml(parts: { meta: RasterMeta; path: string }[]): string {
  const first = parts[0].meta;
  const [rx, ry] = first.res!;
  const minx = Math.min(...parts.map((p) => p.meta.bounds![0]));
  const maxx = Math.max(...parts.map((p) => p.meta.bounds![2]));
  const miny = Math.min(...parts.map((p) => p.meta.bounds![1]));
  const maxy = Math.max(...parts.map((p) => p.meta.bounds![3]));
  const width = Math.round((maxx - minx) / rx);
  const height = Math.round((maxy - miny) / ry);
  const bands: string[] = [];
  for (let b = 0; b < first.count; b++) {
    const type = GDAL_TYPE_NAMES[first.dtypes[b] as keyof typeof GDAL_TYPE_NAMES] ?? 'Float64';
    const nodata = first.nodatavals[b];
    const sources = parts.map(({ meta, path }) => {
      const xoff = (meta.bounds![0] - minx) / rx;
      const yoff = (maxy - meta.bounds![3]) / ry;
      const nd = meta.nodatavals[b];
      return (
        `<ComplexSource><SourceFilename relativeToVRT="0">${esc(path)}</SourceFilename><SourceBand>${b + 1}</SourceBand>` +
        `<SrcRect xOff="0" yOff="0" xSize="${meta.width}" ySize="${meta.height}"/>` +
        `<DstRect xOff="${xoff}" yOff="${yoff}" xSize="${meta.width}" ySize="${meta.height}"/>` +
        `${nd === null ? '' : `<NODATA>${Number.isNaN(nd) ? 'nan' : nd}</NODATA>`}</ComplexSource>`
      );
    });
    bands.push(
      `<VRTRasterBand dataType="${type}" band="${b + 1}">${nodata === null ? '' : `<NoDataValue>${Number.isNaN(nodata) ? 'nan' : nodata}</NoDataValue>`}${sources.join('')}</VRTRasterBand>`,
    );
  }
  // gdalbuildvrt's virtual overviews (nearest), so that gdalwarp picks the same level from this VRT as from its.
  const factors = virtualOverviewFactors(parts.map((p) => p.meta));
  const overviews = factors.length ? `<OverviewList resampling="nearest">${factors.join(' ')}</OverviewList>` : '';
  return (
    `<VRTDataset rasterXSize="${width}" rasterYSize="${height}"><SRS>${esc(first.crs!.wkt)}</SRS>` +
    `<GeoTransform>${minx}, ${rx}, 0, ${maxy}, 0, ${-ry}</GeoTransform>${bands.join('')}${overviews}</VRTDataset>`
  );
}

let nextVrt = 0;

/** Writes a mosaic's VRT to an in-memory file under /mosaic and returns its path. */
export function writeMosaicVrt(FS: { analyzePath(p: string): { exists: boolean }; mkdir(p: string): void; writeFile(p: string, d: string): void }, xml: string): string {
  if (!FS.analyzePath('/mosaic').exists) FS.mkdir('/mosaic');
  const path = `/mosaic/${nextVrt++}.vrt`;
  FS.writeFile(path, xml);
  return path;
}

export function removeMosaicVrt(FS: { unlink(p: string): void }, path: string): void {
  try {
    FS.unlink(path);
  } catch {
    // already gone
  }
}
