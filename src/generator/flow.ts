/**
 * A flow: batches of samples read through a SampleSet's boxes, as an async iterable that can be
 * iterated again (one pass per epoch). Reads run ahead of the consumer through a bounded window
 * (backpressure: nothing more is read until the consumer pulls), spread over the engine's workers;
 * batches always come out in sample order (or the seeded shuffle order).
 */
import { AbortError, ArgumentError, GeotensorError, SampleError } from '../core/errors.js';
import { createRng, permutation } from '../grid/index.js';
import type { SampleSet } from '../samples/sample-set.js';
import { stack, type Batch, type Layout, type SampleArray } from './sample.js';
import { type Augment, augmenter, orientSample } from './augment.js';
import { progressReporter, type ProgressOption } from '../runtime/progress.js';

export interface FlowOptions {
  /** Samples per batch (default 32); the last batch may be smaller. */
  batchSize?: number;
  /** Shuffle the sample order (differently each epoch, reproducibly from `seed`). */
  shuffle?: boolean;
  seed?: number | string;
  signal?: AbortSignal;
  /** Samples read ahead of the consumer (default: 4 per engine worker, at least one batch). */
  prefetch?: number;
  /** Run the generator's preprocess callbacks (default true). */
  preprocess?: boolean;
  /**
   * What a failed sample does: 'throw' (default) stops the flow with the error; 'skip' leaves the
   * sample out of its batch (listed in `batch.skipped`); 'fill' puts a nodata-filled sample in its
   * place (listed in `batch.filled`). Cancellation always throws. Every skipped or filled sample is
   * also reported to `onSampleError`.
   */
  onError?: 'throw' | 'skip' | 'fill';
  onSampleError?: (error: GeotensorError, index: number) => void;
  /** Report progress: a callback (done, total), or true for a bar on a terminal / a `geotensor-progress` event in browsers. */
  progress?: ProgressOption;
  /**
   * Bytes the flow may hold in samples at once: those read ahead, the batch being filled and the
   * batch handed out (as read, before callbacks). Default 2 GiB; a flow that would need more is an
   * ArgumentError before anything is read (lower batchSize or prefetch, or raise this).
   */
  memoryBytes?: number;
  /**
   * 'exact' (default): each sample is GDAL's warp of its own box. 'keras-spatial': read as Keras
   * Spatial's flow_from_dataframe does (one warped VRT over the union of the samples at the first
   * row's resolution, windows snapped to it), to reproduce arrays made with it (see
   * docs/from-keras-spatial.md); a sample whose window is not width×height there is a SampleError.
   */
  alignment?: 'exact' | 'keras-spatial';
  /**
   * Random flips and quarter turns of each sample's array (after the callbacks), the same for a
   * given `seed`, sample row and epoch in every flow — so zipped image and label flows given the same
   * option stay aligned. Each batch lists what was done (`batch.transforms`), which
   * `PredictionWriter.addBatch` undoes. `rot90` needs square samples.
   */
  augment?: Augment;
}

/** What a flow needs from its generator. */
export interface SampleReader {
  readSample(samples: SampleSet, index: number, width: number, height: number, signal?: AbortSignal, preprocess?: boolean): Promise<SampleArray>;
  /** Several samples in one engine call, a promise each (optional: without it, one call per sample). */
  readSamples?(samples: SampleSet, indices: number[], width: number, height: number, signal?: AbortSignal, preprocess?: boolean): Promise<SampleArray>[];
  /** Starts fetching the bytes of a sample read soon (remote sources); optional. */
  prefetchSample?(samples: SampleSet, index: number, width: number, height: number, signal?: AbortSignal): void;
  /**
   * Whether the source's host cache has let no fetched block go yet (remote sources; optional): while
   * it has not, fetching further ahead cannot push out blocks of samples still to be read.
   */
  cacheHasRoom?(): boolean;
  readonly workers: number;
  readonly layout: Layout;
  /** A sample of the given shape filled with the generator's nodata value (0 if none). */
  fillSample(shape: number[], like?: SampleArray): SampleArray;
  /** The shape a sample has before any callback: [1, h, w, c], [1, c, h, w] or [1, h, w]. */
  rawShape(width: number, height: number): number[];
  /** Bytes per value of a sample as read (before callbacks). */
  readonly bytesPerValue: number;
}

/** Most samples one engine call reads for a flow (the read-ahead window is split into about two calls per worker). */
const MAX_CHUNK = 16;

/**
 * Bytes a flow's tile prefetch may run ahead of its reads, estimating the bytes a sample fetches as
 * four times its bytes as read (W1: 49 KiB fetched for a 64 KiB sample; W3's random boxes over 256×256
 * tiles: 319 KiB).
 */
const FETCH_AHEAD_BYTES = 32 << 20;

export class Flow implements AsyncIterable<Batch> {
  readonly batchSize: number;
  /** Bytes of one sample as read (before callbacks). */
  private readonly sampleBytes: number;
  private epoch = 0;
  private readonly orientationOf: ((row: number, epoch: number) => number) | null;

  constructor(
    private readonly reader: SampleReader,
    readonly samples: SampleSet,
    readonly width: number,
    readonly height: number,
    private readonly options: FlowOptions = {},
  ) {
    if (options.onError !== undefined && !['throw', 'skip', 'fill'].includes(options.onError)) throw new ArgumentError('onError', "'throw', 'skip' or 'fill'", options.onError);
    const bs = options.batchSize ?? 32;
    if (!Number.isInteger(bs) || bs < 1) throw new ArgumentError('batchSize', 'a positive integer', bs);
    if (options.prefetch !== undefined && (!Number.isInteger(options.prefetch) || options.prefetch < 1))
      throw new ArgumentError('prefetch', 'a positive integer', options.prefetch);
    this.batchSize = bs;
    this.sampleBytes = reader.rawShape(width, height).reduce((a, b) => a * b, 1) * reader.bytesPerValue;
    this.orientationOf = augmenter(options.augment, width, height);
    const budget = options.memoryBytes ?? 2 ** 31;
    if (typeof budget !== 'number' || !(budget > 0)) throw new ArgumentError('memoryBytes', 'a positive number of bytes', options.memoryBytes);
    const { sampleBytes } = this;
    const inFlight = 2 * bs + Math.max(options.prefetch ?? reader.workers * 4, bs);
    if (inFlight * sampleBytes > budget) {
      throw new ArgumentError(
        'batchSize',
        `a flow within memoryBytes (${budget} bytes): ${inFlight} samples in flight (2 batches of ${bs} and ${inFlight - 2 * bs} read ahead) × ${sampleBytes} bytes each need ${inFlight * sampleBytes}; lower batchSize or prefetch, or raise memoryBytes`,
        bs,
      );
    }
  }

  /** Number of samples in one pass. */
  get size(): number {
    return this.samples.length;
  }

  /** Number of batches in one pass. */
  get batches(): number {
    return Math.ceil(this.samples.length / this.batchSize);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Batch, void, undefined> {
    const { samples, width, height, batchSize, reader } = this;
    const { signal } = this.options;
    const n = samples.length;
    const epoch = this.epoch++;
    const order = this.options.shuffle ? permutation(n, createRng(`${this.options.seed ?? 0}:${epoch}`)) : null;
    const orientationOf = this.orientationOf;
    const at = (k: number) => (order ? order[k] : k);
    const ahead = Math.max(this.options.prefetch ?? reader.workers * 4, batchSize);
    const chunk = Math.max(1, Math.min(MAX_CHUNK, Math.floor(ahead / (2 * reader.workers))));
    const pending = new Map<number, Promise<SampleArray>>();
    const policy = this.options.onError ?? 'throw';
    let lastSample: SampleArray | undefined;
    let scheduled = 0;
    const progress = progressReporter('flow', n, this.options.progress);
    // Bytes are fetched beyond the reads (remote sources), so the network stays busy while the workers
    // warp: three read-ahead windows beyond while the source's cache has let nothing go and the
    // estimated bytes fit FETCH_AHEAD_BYTES, else one. At 100 ms a request, W1's requests in flight were
    // bound by one window (about 13 for 64 samples) rather than by the 16 per origin: three took it from
    // 520–545 to 600–628 samples/s. Where the cache is full (W3's 200 files in 64 MiB), blocks fetched
    // three windows ahead were pushed out before their reads: 140 samples/s against 220 with one.
    const windows = Math.max(1, Math.min(3, Math.floor(FETCH_AHEAD_BYTES / (4 * this.sampleBytes * ahead))));
    let prefetched = 0;
    const schedule = (upTo: number) => {
      const fetchAhead = ahead * (windows > 1 && reader.cacheHasRoom?.() ? windows : 1);
      for (; prefetched < Math.min(n, upTo + fetchAhead); prefetched++) reader.prefetchSample?.(samples, at(prefetched), width, height, signal);
      while (scheduled < Math.min(n, upTo)) {
        // Samples go to the engine a chunk per call (where the reader can), a few chunks per worker in
        // flight; smaller towards the end of the pass, so no worker waits long for another's last chunk.
        const size = Math.min(chunk, Math.min(n, upTo) - scheduled, Math.ceil((n - scheduled) / (2 * reader.workers)));
        const ks = Array.from({ length: reader.readSamples ? size : 1 }, (_, j) => scheduled + j);
        const is = ks.map(at);
        const preprocess = this.options.preprocess ?? true;
        const reads = reader.readSamples
          ? reader.readSamples(samples, is, width, height, signal, preprocess)
          : [reader.readSample(samples, is[0], width, height, signal, preprocess)];
        reads.forEach((read, j) => {
          const i = is[j];
          const p = (orientationOf ? read.then((s) => orientSample(s, orientationOf(i, epoch))) : read).catch((e: unknown) => {
            throw withSample(e, i, samples);
          });
          p.catch(() => undefined); // awaited below; keep early failures from being "unhandled"
          pending.set(ks[j], p);
        });
        scheduled += ks.length;
      }
    };
    for (let start = 0; start < n; start += batchSize) {
      if (signal?.aborted) throw new AbortError('flow', signal.reason);
      const end = Math.min(n, start + batchSize);
      schedule(end + ahead);
      const parts: SampleArray[] = [];
      const indices: number[] = [];
      const skipped: number[] = [];
      const filled: number[] = [];
      const failedAt: number[] = [];
      for (let k = start; k < end; k++) {
        const i = at(k);
        try {
          const sample = await pending.get(k)!;
          lastSample ??= sample;
          parts.push(sample);
          indices.push(i);
        } catch (e) {
          const err = e as GeotensorError;
          if (policy === 'throw' || err instanceof AbortError || signal?.aborted) throw e;
          this.options.onSampleError?.(err, i);
          if (policy === 'skip') skipped.push(i);
          else {
            filled.push(i);
            failedAt.push(parts.length);
            parts.push(null as unknown as SampleArray);
            indices.push(i);
          }
        } finally {
          pending.delete(k);
        }
      }
      if (failedAt.length) {
        const fill = reader.fillSample(lastSample?.shape ?? reader.rawShape(width, height), lastSample);
        for (const p of failedAt) parts[p] = fill;
      }
      progress.tick(end);
      if (end === n) progress.end();
      if (parts.length === 0) continue; // every sample of this batch was skipped (all reported)
      const batch = stack(parts, Int32Array.from(indices), reader.layout);
      if (skipped.length) batch.skipped = Int32Array.from(skipped);
      if (filled.length) batch.filled = Int32Array.from(filled);
      if (orientationOf) batch.transforms = Uint8Array.from(indices, (i) => orientationOf(i, epoch));
      yield batch;
    }
  }
}

function withSample(e: unknown, i: number, samples: SampleSet): GeotensorError {
  const box = samples.bounds(i);
  if (e instanceof GeotensorError) {
    if (e.details.sample === undefined) Object.assign(e.details, { sample: i, box: [...box] });
    return e;
  }
  return new SampleError('SAMPLE_FAILED', `sample ${i} [${box.join(', ')}]: ${(e as Error)?.message ?? e}`, { input: `sample ${i}`, sample: i, box: [...box] });
}
