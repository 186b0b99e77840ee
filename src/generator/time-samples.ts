/** Samples with a time axis (a STAC source opened with `time`): each step laid out as a sample, the steps joined. */
import { ArgumentError } from '../core/errors.js';
import { dtypeOf, type PixelArray, typedArrayFor } from '../core/pixels.js';
import type { SampleSet } from '../samples/sample-set.js';
import { instant } from '../core/instant.js';
import type { SampleArray } from './sample.js';

/** A sample's own time interval from its `time_start` and `time_end` columns (ISO text or milliseconds; either may be absent or null). */
export function sampleInterval(samples: SampleSet, i: number): [number, number] | undefined {
  const has0 = samples.hasColumn('time_start');
  const has1 = samples.hasColumn('time_end');
  if (!has0 && !has1) return undefined;
  const at = (name: string) => {
    const v = samples.column(name)[i];
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) return null;
    const t = instant(v);
    if (!Number.isFinite(t)) throw new ArgumentError(name, `an ISO date or milliseconds (sample ${i})`, v);
    return t;
  };
  return [(has0 ? at('time_start') : null) ?? -Infinity, (has1 ? at('time_end') : null) ?? Infinity];
}

/** The steps of one sample (each [1, ...]) as one sample [1, steps, ...], with their dates (null: padding). */
export function joinSteps(steps: SampleArray[], times: (string | null)[]): SampleArray {
  const first = steps[0];
  const per = first.data.length;
  const data = typedArrayFor(dtypeOf(first.data), per * steps.length);
  steps.forEach((s, t) => data.set(s.data as never, t * per));
  return { ...first, data, shape: [1, steps.length, ...first.shape.slice(1)], times };
}

/** `make` run on each step's block of a time window ([steps × layers, h, w]), in order. */
export async function eachStep(
  w: { data: PixelArray; shape: number[]; times: unknown[] },
  make: (data: PixelArray, layers: number) => Promise<SampleArray>,
): Promise<SampleArray[]> {
  const layers = w.shape[0] / w.times.length;
  const per = layers * w.shape[1] * w.shape[2];
  const steps: SampleArray[] = [];
  for (let t = 0; t < w.times.length; t++) steps.push(await make(w.data.subarray(t * per, (t + 1) * per), layers));
  return steps;
}
