/**
 * Polygons of the set pixels of a binary mask, as GDAL's `GDALPolygonize` draws them with its
 * default 4-connectivity: pixels that touch only at a corner are separate polygons; each polygon is
 * one exterior ring (counter-clockwise in map coordinates) and its holes (clockwise), along pixel
 * edges, collinear vertices merged. Pure TypeScript over typed arrays (no engine, no I/O).
 *
 * Method: a flood fill labels the 4-connected components; every edge between a set pixel and an
 * unset one (or the mask's border) becomes a directed edge with the set pixel on its left. At a
 * vertex where two set pixels meet only diagonally, a ring turns left (staying with its own pixel)
 * when they are different components, and right when they are one: then the two unset pixels are
 * apart (unset areas are 4-connected too, as GDAL sees them), so an enclosed area touching the
 * outside at a corner is a hole. The rings are the cycles of these edges; each goes to the
 * component of the pixel on its left.
 */
import { ArgumentError } from '../core/errors.js';

/** Pixel-edge grid coordinates: `i` columns from the west edge, `j` rows from the north edge. */
export type PixelRing = Float64Array; // [i0, j0, i1, j1, ...], closed (first point repeated last)

export interface PixelPolygon {
  /** Counter-clockwise in map coordinates (north up). */
  exterior: PixelRing;
  /** Clockwise in map coordinates. */
  holes: PixelRing[];
  /** Set pixels in this polygon. */
  pixels: number;
}

// Directions as bits of a vertex's outgoing edges: east, north, west, south (north = row - 1).
const E = 0;
const N = 1;
const W = 2;
const S = 3;
const DI = [1, 0, -1, 0];
const DJ = [0, -1, 0, 1];
const left = (d: number): number => (d + 1) & 3;
const right = (d: number): number => (d + 3) & 3;

/** The polygons of the pixels where `mask` is non-zero (`mask` row by row, row 0 north). */
export function polygonize(mask: ArrayLike<number>, width: number, height: number): PixelPolygon[] {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || mask.length !== width * height) {
    throw new ArgumentError('mask', `${width} x ${height} pixels`, `${mask.length} values`);
  }
  const component = components(mask, width, height);
  const set = (c: number, r: number): boolean => c >= 0 && r >= 0 && c < width && r < height && mask[r * width + c] !== 0;
  const vw = width + 1;
  const out = new Uint8Array(vw * (height + 1)); // outgoing edge bits per vertex
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      if (!set(c, r)) continue;
      if (!set(c, r + 1)) out[(r + 1) * vw + c] |= 1 << E; // bottom edge, going east
      if (!set(c + 1, r)) out[(r + 1) * vw + c + 1] |= 1 << N; // right edge, going north
      if (!set(c, r - 1)) out[r * vw + c + 1] |= 1 << W; // top edge, going west
      if (!set(c - 1, r)) out[r * vw + c] |= 1 << S; // left edge, going south
    }
  }
  // Two outgoing edges at (i, j): N and S (bits 10) where the set pixels are NW and SE, E and W (5) where they are NE and SW.
  const sameAtSaddle = (i: number, j: number, bits: number): boolean =>
    bits === 10 ? component.label[(j - 1) * width + i - 1] === component.label[j * width + i] : component.label[(j - 1) * width + i] === component.label[j * width + i - 1];
  const polygons: PixelPolygon[] = [];
  const holes: { ring: PixelRing; comp: number }[] = [];
  const used = new Uint8Array(out.length);
  for (let v0 = 0; v0 < out.length; v0++) {
    for (let d0 = 0; d0 < 4; d0++) {
      if (!(out[v0] & (1 << d0)) || used[v0] & (1 << d0)) continue;
      const pts: number[] = [];
      let v = v0;
      let d = d0;
      let prev = -1;
      do {
        used[v] |= 1 << d;
        if (d !== prev) pts.push(v % vw, Math.floor(v / vw));
        prev = d;
        v += DJ[d] * vw + DI[d];
        const bits = out[v];
        if (bits === 10 || bits === 5) d = sameAtSaddle(v % vw, Math.floor(v / vw), bits) ? right(d) : left(d);
        else d = bits & (1 << left(d)) ? left(d) : bits & (1 << d) ? d : right(d);
      } while (v !== v0 || d !== d0);
      // The start may sit inside a straight run: drop it if the ring enters it going d0.
      if (prev === d0 && pts.length > 2) pts.splice(0, 2);
      pts.push(pts[0], pts[1]);
      const ring = Float64Array.from(pts);
      const comp = component.label[pixelLeftOf(v0 % vw, Math.floor(v0 / vw), d0, width)];
      if (signedArea(ring) > 0) polygons[comp] = { exterior: ring, holes: [], pixels: component.size[comp] };
      else holes.push({ ring, comp });
    }
  }
  for (const h of holes) polygons[h.comp].holes.push(h.ring);
  return polygons.filter(Boolean);
}

/** The set pixel on the left of the edge leaving vertex (i, j) in direction d. */
function pixelLeftOf(i: number, j: number, d: number, width: number): number {
  if (d === E) return (j - 1) * width + i;
  if (d === N) return (j - 1) * width + i - 1;
  if (d === W) return j * width + i - 1;
  return j * width + i;
}

/** 4-connected components of the set pixels: a label per pixel and each component's pixel count. */
function components(mask: ArrayLike<number>, width: number, height: number): { label: Int32Array; size: number[] } {
  const label = new Int32Array(width * height).fill(-1);
  const size: number[] = [];
  const stack = new Int32Array(width * height);
  for (let p0 = 0; p0 < label.length; p0++) {
    if (!mask[p0] || label[p0] >= 0) continue;
    const id = size.length;
    let top = 0;
    let n = 0;
    stack[top++] = p0;
    label[p0] = id;
    while (top > 0) {
      const p = stack[--top];
      n++;
      const c = p % width;
      const visit = (q: number): void => {
        if (mask[q] && label[q] < 0) {
          label[q] = id;
          stack[top++] = q;
        }
      };
      if (c > 0) visit(p - 1);
      if (c < width - 1) visit(p + 1);
      if (p >= width) visit(p - width);
      if (p + width < label.length) visit(p + width);
    }
    size.push(n);
  }
  return { label, size };
}

/** Shoelace area in map orientation (rows grow southwards, so the sign is flipped). */
export function signedArea(ring: PixelRing): number {
  let a = 0;
  for (let k = 0; k + 3 < ring.length; k += 2) a += ring[k] * ring[k + 3] - ring[k + 2] * ring[k + 1];
  return -a / 2;
}
