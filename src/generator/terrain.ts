/**
 * Terrain derivatives as a preprocess callback that adds layers (Keras Spatial's terrain_analysis):
 * slope, aspect and curvatures from the Evans–Young quadratic fitted to each 3×3 neighbourhood. The
 * pixel size comes from the sample's box and size, so use a CRS in metres (or feet).
 */
import { ArgumentError, SampleError } from '../core/errors.js';
import type { SampleArray } from './sample.js';

export type TerrainLayer = 'slope' | 'aspect' | 'profileCurvature' | 'planCurvature' | 'meanCurvature';
const ALL: TerrainLayer[] = ['slope', 'aspect', 'profileCurvature', 'planCurvature', 'meanCurvature'];

/**
 * A callback for `addPreprocessCallback`: keeps the elevation layer and appends the chosen
 * derivatives (Keras Spatial's six layers: elevation, slope, aspect, plan, profile and mean
 * curvature). Slope and aspect in degrees (aspect clockwise from north, the downslope direction);
 * curvatures in 1/units (mean curvature: H = −((1+q²)r − 2pqs + (1+p²)t) / (2(1+p²+q²)^1.5)). Works
 * on one elevation layer in either interleave ('pixel' [1, h, w, 1], 'band' [1, 1, h, w]) and keeps
 * it. Borders use the nearest inside pixel; NaN propagates.
 */
export function terrain(layers: TerrainLayer[] = ALL): (sample: SampleArray) => SampleArray {
  for (const l of layers) if (!ALL.includes(l)) throw new ArgumentError('terrain layers', ALL.join(', '), l);
  return (sample) => {
    const { shape, bounds } = sample;
    const band = sample.layout === 'band' || (sample.layout === undefined && shape.length === 4 && shape[1] === 1 && shape[3] !== 1);
    if (shape.length !== 4 || (band ? shape[1] !== 1 : shape[3] !== 1))
      throw new SampleError('SAMPLE_FAILED', `terrain: expects one elevation layer ([1, h, w, 1] with interleave 'pixel', [1, 1, h, w] with 'band'), got [${shape}]`, {
        input: 'terrain',
      });
    if (!bounds) throw new SampleError('SAMPLE_FAILED', 'terrain: the sample carries no box to take the pixel size from', { input: 'terrain' });
    const [h, w] = band ? [shape[2], shape[3]] : [shape[1], shape[2]];
    const dx = (bounds[2] - bounds[0]) / w;
    const dy = (bounds[3] - bounds[1]) / h;
    const z = sample.data;
    const at = (y: number, x: number) => z[Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))];
    const n = layers.length + 1;
    const out = new Float32Array(h * w * n);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        // z1 z2 z3 / z4 z5 z6 / z7 z8 z9, row y-1 is north
        const z1 = at(y - 1, x - 1),
          z2 = at(y - 1, x),
          z3 = at(y - 1, x + 1);
        const z4 = at(y, x - 1),
          z5 = at(y, x),
          z6 = at(y, x + 1);
        const z7 = at(y + 1, x - 1),
          z8 = at(y + 1, x),
          z9 = at(y + 1, x + 1);
        const p = (z3 + z6 + z9 - z1 - z4 - z7) / (6 * dx);
        const q = (z1 + z2 + z3 - z7 - z8 - z9) / (6 * dy);
        const r = (z1 + z3 + z4 + z6 + z7 + z9 - 2 * (z2 + z5 + z8)) / (3 * dx * dx);
        const t = (z1 + z2 + z3 + z7 + z8 + z9 - 2 * (z4 + z5 + z6)) / (3 * dy * dy);
        const s = (z3 + z7 - z1 - z9) / (4 * dx * dy);
        const g2 = p * p + q * q;
        const o = (y * w + x) * n;
        out[o] = z5;
        layers.forEach((l, k) => {
          let v: number;
          if (l === 'slope') v = (Math.atan(Math.sqrt(g2)) * 180) / Math.PI;
          else if (l === 'aspect') v = g2 === 0 ? Number.NaN : ((Math.atan2(-p, -q) * 180) / Math.PI + 360) % 360;
          else if (l === 'profileCurvature') v = g2 === 0 ? 0 : -(p * p * r + 2 * p * q * s + q * q * t) / (g2 * (1 + g2) ** 1.5);
          else if (l === 'planCurvature') v = g2 === 0 ? 0 : -(q * q * r - 2 * p * q * s + p * p * t) / g2 ** 1.5;
          else v = -((1 + q * q) * r - 2 * p * q * s + (1 + p * p) * t) / (2 * (1 + g2) ** 1.5);
          out[o + k + 1] = v;
        });
      }
    }
    if (!band) return { data: out, shape: [1, h, w, n], bounds, crs: sample.crs, layout: 'pixel' };
    // 'band': the layers one after the other.
    const planes = new Float32Array(h * w * n);
    for (let i = 0; i < h * w; i++) for (let k = 0; k < n; k++) planes[k * h * w + i] = out[i * n + k];
    return { data: planes, shape: [1, n, h, w], bounds, crs: sample.crs, layout: 'band' };
  };
}
