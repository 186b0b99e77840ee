/**
 * How far a flow's tile prefetch runs ahead of its reads (generator/flow.ts): three read-ahead
 * windows beyond the reads for small samples, one for samples whose estimated bytes would not fit.
 * The flow is driven by a reader that records what it is asked (no engine: this is the flow's own
 * scheduling).
 */
import { assert, test } from './lib/harness.js';
import { Flow, type SampleReader } from '../src/generator/flow.js';
import type { SampleArray } from '../src/generator/sample.js';
import { SampleSet } from '../src/index.js';

function recorder(bands: number, room = true): { reader: SampleReader; prefetched: number[]; read: number[] } {
  const prefetched: number[] = [];
  const read: number[] = [];
  const reader: SampleReader = {
    async readSample(_s, index, w, h): Promise<SampleArray> {
      read.push(index);
      return { data: new Float32Array(w * h * bands), shape: [1, h, w, bands] };
    },
    prefetchSample(_s, index) {
      prefetched.push(index);
    },
    cacheHasRoom: () => room,
    workers: 2,
    layout: 'pixel',
    fillSample: (shape) => ({ data: new Float32Array(shape.reduce((a, b) => a * b, 1)), shape }),
    rawShape: (w, h) => [1, h, w, bands],
    bytesPerValue: 4,
  };
  return { reader, prefetched, read };
}

const samples = () =>
  SampleSet.fromBounds(
    Array.from({ length: 600 }, (_, i) => [i, 0, i + 1, 1] as [number, number, number, number]),
    'EPSG:3857',
  );

test("a flow's tile prefetch runs three read-ahead windows beyond its reads for small samples while the source's cache has room, else one, in the flow's order", async () => {
  // 128 x 128 x 1 float32 (64 KiB): 3 windows of 32 samples x 4 x 64 KiB = 24 MiB fit the 32 MiB allowance.
  const small = recorder(1);
  const it = new Flow(small.reader, samples(), 128, 128, { batchSize: 32 })[Symbol.asyncIterator]();
  await it.next();
  // The first batch scheduled reads up to 32 + 32 (one window) and prefetches 3 windows beyond: 160.
  assert.equal(Math.max(...small.read) + 1, 64, 'reads: the batch and one window');
  assert.equal(small.prefetched.length, 64 + 96, 'prefetched: three windows beyond the reads');
  assert.deepEqual(
    small.prefetched,
    Array.from({ length: 160 }, (_, i) => i),
    "the flow's order",
  );
  await it.return?.();

  // 512 x 512 x 4 float32 (4 MiB a sample): one window, as before.
  const large = recorder(4);
  const it2 = new Flow(large.reader, samples(), 512, 512, { batchSize: 8 })[Symbol.asyncIterator]();
  await it2.next();
  assert.equal(Math.max(...large.read) + 1, 16, 'reads: the batch and one window of 8');
  assert.equal(large.prefetched.length, 24, 'prefetched: one window beyond the reads');
  await it2.return?.();

  // Small samples, but the source's cache has let blocks go: one window.
  const full = recorder(1, false);
  const it3 = new Flow(full.reader, samples(), 128, 128, { batchSize: 32 })[Symbol.asyncIterator]();
  await it3.next();
  assert.equal(full.prefetched.length, 64 + 32, 'prefetched: one window beyond the reads');
  await it3.return?.();
});
