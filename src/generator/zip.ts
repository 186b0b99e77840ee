/**
 * `zip(labels.flow(samples), dem.flow(samples))`: aligned tuples of batches from several flows over
 * the same samples. Different lengths, rows or shapes are an error, never a silent truncation.
 */
import { SampleError } from '../core/errors.js';
import { dims } from '../core/layout.js';
import type { Batch } from './sample.js';

export type Batches<T extends AsyncIterable<Batch>[]> = { [K in keyof T]: Batch };

export class Zip<T extends AsyncIterable<Batch>[]> implements AsyncIterable<Batches<T>> {
  readonly flows: T;
  constructor(flows: T) {
    this.flows = flows;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Batches<T>, void, undefined> {
    const its = this.flows.map((f) => f[Symbol.asyncIterator]());
    let step = 0;
    try {
      for (;;) {
        const results = await Promise.all(its.map((it) => it.next()));
        const done = results.map((r) => !!r.done);
        if (done.every(Boolean)) return;
        if (done.some(Boolean)) {
          throw new SampleError(
            'SAMPLE_FAILED',
            `zip: flow ${done.indexOf(true)} ended after ${step} batches while flow ${done.indexOf(false)} has more: the flows must read the same samples`,
            { input: 'zip' },
          );
        }
        const batches = results.map((r) => r.value as Batch);
        const first = batches[0];
        batches.forEach((b, k) => {
          if (b.indices.length !== first.indices.length || b.indices.some((v, i) => v !== first.indices[i])) {
            throw new SampleError(
              'SAMPLE_FAILED',
              `zip: batch ${step} of flow ${k} holds other samples than flow 0 (rows ${first.indices.slice(0, 4).join(',')}... vs ${b.indices.slice(0, 4).join(',')}...): use the same sample set, batch size and shuffle seed`,
              { input: 'zip' },
            );
          }
          const same = (b.transforms ?? []).length === (first.transforms ?? []).length && (b.transforms ?? []).every((t, i) => t === first.transforms![i]);
          const plain = (t?: Uint8Array) => !t || t.every((v) => v === 0);
          if (!same && !(plain(b.transforms) && plain(first.transforms))) {
            throw new SampleError(
              'SAMPLE_FAILED',
              `zip: batch ${step} of flow ${k} is flipped or turned otherwise than flow 0 (batch.transforms differ): give every flow the same augment option, so image and labels stay aligned`,
              { input: 'zip' },
            );
          }
          if (heightWidth(b).join('x') !== heightWidth(first).join('x')) {
            throw new SampleError(
              'SAMPLE_FAILED',
              `zip: batch ${step} of flow ${k} has shape [${b.shape}] but flow 0 has [${first.shape}]: samples must have the same height and width to be aligned`,
              { input: 'zip' },
            );
          }
        });
        step++;
        yield batches as Batches<T>;
      }
    } finally {
      await Promise.all(its.map((it) => it.return?.()));
    }
  }
}

/** [h, w] of a batch in any layout: [b, h, w, c], [b, c, h, w] or [b, h, w]. */
export function heightWidth(b: Batch): number[] {
  const d = dims(b);
  return [d.h, d.w];
}

/** Aligned tuples of batches from several flows over the same samples. */
export function zip<T extends AsyncIterable<Batch>[]>(...flows: T): Zip<T> {
  return new Zip(flows);
}
