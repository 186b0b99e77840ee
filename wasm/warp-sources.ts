/**
 * The datasets a window is warped from: a single file's own dataset, or for a mosaic one VRT per
 * group of parts on one grid (mosaic-vrt.ts), opened once and kept with the dataset; and, per read,
 * the ones the window meets (or the one part that alone holds it).
 */
import type { RasterMeta, WindowRequest } from '../src/engine/protocol.js';
import { groupParts, removeMosaicVrt, writeMosaicVrt } from './mosaic-vrt.js';
import { areaOfInterest } from './area-of-interest.js';
import type { GdalModule } from './gdal-module.js';

export interface WarpInput {
  /** The mosaic files this source covers. */
  parts: number[];
  ds: number;
  /** The in-memory file of a VRT over several parts (closed and removed with the dataset), else null: the part's own dataset. */
  vrt: string | null;
  /** GDAL's area of interest for warps from a VRT over several parts (see warpArea), with the dataset it was computed for. */
  area?: KnownArea;
}

/** An area of interest (area-of-interest.ts) and the dataset it belongs to. */
interface KnownArea {
  ds: number;
  value: string | null;
}

interface PartLike {
  ds: number;
  file: { path: string };
  meta: RasterMeta;
  area?: KnownArea;
}

type Fs = Parameters<typeof writeMosaicVrt>[0] & Parameters<typeof removeMosaicVrt>[0];

/** Each part as its own source, or a VRT per group of parts on one grid (opened with `open`; on a failure, those made are closed). */
export function buildSources(parts: PartLike[], FS: Fs, open: (path: string) => number, close: (ds: number) => void): WarpInput[] {
  if (parts.length === 1) return [{ parts: [0], ds: parts[0].ds, vrt: null }];
  const made: WarpInput[] = [];
  try {
    for (const g of groupParts(parts.map((p) => ({ meta: p.meta, path: p.file.path })))) {
      if (!g.xml) {
        made.push({ parts: g.parts, ds: parts[g.parts[0]].ds, vrt: null });
        continue;
      }
      // A file, not the XML itself: GDALOpen's string would go on the WebAssembly stack (64 KiB; 200 parts exceed it).
      const input: WarpInput = { parts: g.parts, ds: 0, vrt: writeMosaicVrt(FS, g.xml) };
      made.push(input);
      input.ds = open(input.vrt!);
    }
  } catch (e) {
    closeSources(made, FS, close);
    throw e;
  }
  return made;
}

/** Closes the VRTs of `sources` (the parts' own datasets stay with the parts) and removes their files. */
export function closeSources(sources: WarpInput[], FS: Fs, close: (ds: number) => void): void {
  for (const s of sources) {
    if (s.vrt && s.ds) close(s.ds);
    if (s.vrt) removeMosaicVrt(FS, s.vrt);
  }
}

/** The sources a read warps from: the one part it names, else those holding any part the window meets. */
export function pickSources(sources: WarpInput[], parts: PartLike[], req: WindowRequest): WarpInput[] {
  if (req.fromPart !== undefined) return [{ parts: [req.fromPart], ds: parts[req.fromPart].ds, vrt: null }];
  const wanted = new Set(req.parts ?? parts.map((_, i) => i));
  return sources.filter((s) => s.parts.some((i) => wanted.has(i)));
}

/**
 * The AREA_OF_INTEREST a warp from `picked` hands GDAL (area-of-interest.ts): computed once per
 * source dataset and kept with it; null for several sources (GDALWarp would give every source the
 * one area) or where GDAL must compute it itself.
 */
export function warpArea(g: GdalModule, picked: WarpInput[], parts: PartLike[]): string | null {
  if (picked.length !== 1) return null;
  // A part's own dataset keeps its area with the part (its sources are made again on a re-open); a VRT's, with the source.
  const s = picked[0];
  const part = s.vrt ? null : parts[s.parts[0]];
  const holder: { ds: number; area?: KnownArea } = part && part.ds === s.ds ? part : s;
  if (holder.area?.ds !== holder.ds) holder.area = { ds: holder.ds, value: areaOfInterest(g, holder.ds) };
  return holder.area.value;
}
