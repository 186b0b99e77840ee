/** Spatial and temporal splits without leakage, shards for data-parallel training, class balance. */
import { ArgumentError } from '../core/errors.js';
import { instant } from '../core/instant.js';
import { createRng, permutation } from '../grid/index.js';
import { weightedDraw } from './ops.js';
import type { SampleSet } from './sample-set.js';

export interface SpatialSplitOptions {
  /** Side of the square blocks of space, in CRS units. */
  blockSize: number;
  /** Share of samples per part, e.g. [0.7, 0.15, 0.15] (summing to 1). */
  fractions: number[];
  seed?: number | string;
}

export interface SpatialSplit {
  /** One set per fraction, in order (e.g. train, validation, test). */
  parts: SampleSet[];
  /** Samples whose box reaches into blocks of another part: left out so no two parts overlap. */
  dropped: SampleSet;
}

/**
 * Assigns whole blocks of space to parts (seeded), so that a sample lies in exactly one part and
 * samples of different parts never overlap: a sample is kept only if every block its box touches
 * belongs to the same part.
 */
export function spatialSplit(s: SampleSet, options: SpatialSplitOptions): SpatialSplit {
  const { blockSize, fractions } = options;
  if (!(blockSize > 0) || !Number.isFinite(blockSize)) throw new ArgumentError('blockSize', 'a positive size in CRS units', blockSize);
  if (!Array.isArray(fractions) || fractions.length < 1 || fractions.some((f) => !(f >= 0)) || Math.abs(fractions.reduce((a, b) => a + b, 0) - 1) > 1e-9) {
    throw new ArgumentError('fractions', 'non-negative shares summing to 1, e.g. [0.7, 0.15, 0.15]', fractions);
  }
  const [x0, y0] = s.length ? s.totalBounds : [0, 0];
  const key = (bx: number, by: number) => `${bx},${by}`;
  const blockOf = (x: number, y: number) => [Math.floor((x - x0) / blockSize), Math.floor((y - y0) / blockSize)];
  const counts = new Map<string, number>();
  for (let i = 0; i < s.length; i++) {
    const [bx, by] = blockOf((s.minx[i] + s.maxx[i]) / 2, (s.miny[i] + s.maxy[i]) / 2);
    const k = key(bx, by);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const blocks = [...counts.keys()].sort();
  const order = permutation(blocks.length, createRng(options.seed ?? 0));
  const partOf = new Map<string, number>();
  const filled = new Array(fractions.length).fill(0);
  for (const bi of order) {
    const k = blocks[bi];
    let best = 0;
    let deficit = -Infinity;
    fractions.forEach((f, p) => {
      const d = f * s.length - filled[p];
      if (d > deficit) (deficit = d), (best = p);
    });
    partOf.set(k, best);
    filled[best] += counts.get(k)!;
  }
  const members: number[][] = fractions.map(() => []);
  const dropped: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const [bx0, by0] = blockOf(s.minx[i], s.miny[i]);
    const [bx1, by1] = blockOf(s.maxx[i], s.maxy[i]);
    const [cx, cy] = blockOf((s.minx[i] + s.maxx[i]) / 2, (s.miny[i] + s.maxy[i]) / 2);
    const p = partOf.get(key(cx, cy))!;
    let clean = true;
    for (let bx = bx0; bx <= bx1 && clean; bx++) {
      for (let by = by0; by <= by1 && clean; by++) {
        const q = partOf.get(key(bx, by));
        if (q !== undefined && q !== p) clean = false;
        // a touched block with no sample centre in it belongs to nobody: it is free space
      }
    }
    if (clean) members[p].push(i);
    else dropped.push(i);
  }
  return { parts: members.map((m) => s.select(m)), dropped: s.select(dropped) };
}

/** A deterministic, disjoint slice for worker `index` of `count` (rows index, index+count, ...). */
export function shard(s: SampleSet, count: number, index: number): SampleSet {
  if (!Number.isInteger(count) || count < 1) throw new ArgumentError('count', 'a positive integer', count);
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new ArgumentError('index', `an integer from 0 to ${count - 1}`, index);
  const rows: number[] = [];
  for (let i = index; i < s.length; i += count) rows.push(i);
  return s.select(rows);
}

export interface BalanceOptions {
  /** 'undersample' (every class down to the rarest), 'oversample' (up to the commonest, with replacement), 'weights' (a `weight` column). */
  strategy?: 'undersample' | 'oversample' | 'weights';
  seed?: number | string;
  /** Name of the weight column for 'weights' (default 'weight'). */
  weightColumn?: string;
}

/** Balances the classes of a column (numbers or strings). */
export function balance(s: SampleSet, column: string, options: BalanceOptions = {}): SampleSet {
  const col = s.column(column);
  const strategy = options.strategy ?? 'undersample';
  if (!['undersample', 'oversample', 'weights'].includes(strategy)) throw new ArgumentError('strategy', "'undersample', 'oversample' or 'weights'", strategy);
  const classes = new Map<string, number[]>();
  for (let i = 0; i < s.length; i++) {
    const v = col[i];
    if (v === null || (typeof v === 'number' && Number.isNaN(v))) continue;
    const k = String(v);
    let list = classes.get(k);
    if (!list) classes.set(k, (list = []));
    list.push(i);
  }
  if (classes.size === 0) throw new ArgumentError(column, 'a column with at least one class value', column);
  const rng = createRng(options.seed ?? 0);
  const keys = [...classes.keys()].sort();
  if (strategy === 'weights') {
    const w = new Float64Array(s.length).fill(0);
    const labelled = keys.reduce((a, k) => a + classes.get(k)!.length, 0);
    for (const k of keys) for (const i of classes.get(k)!) w[i] = labelled / (keys.length * classes.get(k)!.length);
    return s.withColumn(options.weightColumn ?? 'weight', w);
  }
  const sizes = keys.map((k) => classes.get(k)!.length);
  const target = strategy === 'undersample' ? Math.min(...sizes) : Math.max(...sizes);
  const rows: number[] = [];
  for (const k of keys) {
    const list = classes.get(k)!;
    if (strategy === 'undersample') {
      const p = permutation(list.length, rng);
      for (let j = 0; j < target; j++) rows.push(list[p[j]]);
    } else {
      rows.push(...list);
      const extra = weightedDraw(new Float64Array(list.length).fill(1), target - list.length, rng);
      for (const j of extra) rows.push(list[j]);
    }
  }
  rows.sort((a, b) => a - b);
  return s.select(rows);
}

export interface TemporalSplitOptions {
  /** Where one part ends and the next begins (ISO text, Dates or milliseconds, ascending): n cuts make n + 1 parts. */
  at: string | number | Date | (string | number | Date)[];
}

/**
 * Parts in time, earlier first (train before validation): a sample belongs to part k when its whole
 * interval (`time_start` to `time_end` columns; one of them alone is an instant) lies between cut
 * k − 1 and cut k (a cut belongs to the later part); a sample reaching across a cut is dropped.
 */
export function temporalSplit(s: SampleSet, options: TemporalSplitOptions): SpatialSplit {
  const raw = Array.isArray(options?.at) ? options.at : [options?.at];
  const cuts = raw.map(instant);
  if (cuts.length === 0 || cuts.some((c) => !Number.isFinite(c)) || cuts.some((c, i) => i > 0 && c <= cuts[i - 1])) {
    throw new ArgumentError('at', 'one or more ascending instants (ISO dates, Dates or milliseconds)', options?.at);
  }
  const has0 = s.hasColumn('time_start');
  const has1 = s.hasColumn('time_end');
  if (!has0 && !has1) throw new ArgumentError('samples', 'samples with time_start / time_end columns (randomGrid(..., { time }) adds them)', s.columnNames);
  const start = has0 ? s.column('time_start') : s.column('time_end');
  const end = has1 ? s.column('time_end') : s.column('time_start');
  const parts: number[][] = cuts.map(() => []).concat([[]]);
  const dropped: number[] = [];
  const partOf = (t: number) => cuts.filter((c) => t >= c).length;
  for (let i = 0; i < s.length; i++) {
    const a = instant(start[i]);
    const b = instant(end[i]);
    if (!Number.isFinite(a) || !Number.isFinite(b) || b < a) throw new ArgumentError('time_start', `an interval (sample ${i}: ${start[i]} to ${end[i]})`, start[i]);
    // An interval ending exactly at a cut lies before it.
    const pa = partOf(a);
    const pb = b > a ? cuts.filter((c) => b > c).length : pa;
    if (pa === pb) parts[pa].push(i);
    else dropped.push(i);
  }
  return { parts: parts.map((p) => s.select(p)), dropped: s.select(dropped) };
}
