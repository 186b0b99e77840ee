/** Preprocess callbacks, run in insertion order on each sample (Keras Spatial's add_preprocess_callback). */
import { ArgumentError, SampleError } from '../core/errors.js';
import type { PixelArray } from '../core/pixels.js';
import { product } from '../core/layout.js';
import type { SampleArray } from './sample.js';

/**
 * `fn(sample, ...args)` gets a sample `{ data, shape }` with shape [1, h, w, c] ('pixel'),
 * [1, c, h, w] ('band') or [1, h, w], and returns the new sample (any number of layers), a typed
 * array of the same shape, or a promise of either.
 */
// biome-ignore lint/suspicious/noExplicitAny: callbacks take any extra arguments the user registered them with (Keras Spatial's add_preprocess_callback(name, fn, *args))
export type PreprocessCallback = (sample: SampleArray, ...args: any[]) => SampleArray | PixelArray | Promise<SampleArray | PixelArray>;

export class CallbackChain {
  private readonly chain = new Map<string, { fn: PreprocessCallback; args: unknown[] }>();

  add(name: string, fn: PreprocessCallback, args: unknown[]): void {
    if (typeof name !== 'string' || !name) throw new ArgumentError('name', 'a non-empty callback name', name);
    if (typeof fn !== 'function') throw new ArgumentError('callback', 'a function (sample, ...args) => sample', fn);
    this.chain.delete(name);
    this.chain.set(name, { fn, args });
  }

  delete(name: string): boolean {
    return this.chain.delete(name);
  }

  get names(): string[] {
    return [...this.chain.keys()];
  }

  get size(): number {
    return this.chain.size;
  }

  async run(sample: SampleArray, index: number): Promise<SampleArray> {
    let s = sample;
    for (const [name, { fn, args }] of this.chain) {
      let out: SampleArray | PixelArray;
      try {
        out = await fn(s, ...args);
      } catch (e) {
        throw new SampleError('SAMPLE_FAILED', `preprocess callback '${name}' failed on sample ${index}: ${(e as Error)?.message ?? e}`, { input: name, sample: index });
      }
      if (ArrayBuffer.isView(out)) {
        if ((out as PixelArray).length !== product(s.shape)) {
          throw new SampleError(
            'SAMPLE_FAILED',
            `preprocess callback '${name}' returned ${(out as PixelArray).length} values for a sample of shape [${s.shape}]: return { data, shape } to change the shape`,
            { input: name, sample: index },
          );
        }
        s = { ...s, data: out as PixelArray };
      } else if (out && ArrayBuffer.isView(out.data) && Array.isArray(out.shape)) {
        if (out.data.length !== product(out.shape)) {
          throw new SampleError('SAMPLE_FAILED', `preprocess callback '${name}' returned data of length ${out.data.length} with shape [${out.shape}]`, {
            input: name,
            sample: index,
          });
        }
        s = { bounds: s.bounds, crs: s.crs, ...out };
      } else {
        throw new SampleError('SAMPLE_FAILED', `preprocess callback '${name}' must return { data, shape } or a typed array, got ${Object.prototype.toString.call(out)}`, {
          input: name,
          sample: index,
        });
      }
    }
    return s;
  }
}
