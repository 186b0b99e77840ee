/**
 * TensorFlow.js adapters (the only module that imports tfjs, published as `geotensor/tf`): batches
 * to tensors, flows to a `tf.data.Dataset` that `model.fitDataset` accepts. tfjs is an optional peer
 * dependency: the core (`geotensor`) never loads it. Works with @tensorflow/tfjs or tfjs-node.
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError } from '../core/errors.js';
import type { Batch, FlowLike } from '../generator/sample.js';
import { zip } from '../generator/zip.js';

/** A batch as a tensor of its shape; integer types become int32, float64 becomes float32. */
export function toTensor(batch: Batch): tf.Tensor {
  if (!batch || !ArrayBuffer.isView(batch.data) || !Array.isArray(batch.shape)) throw new ArgumentError('batch', 'a Batch { data, shape }', batch);
  const d = batch.data;
  if (d instanceof Float32Array) return tf.tensor(d, batch.shape, 'float32');
  if (d instanceof Int32Array) return tf.tensor(d, batch.shape, 'int32');
  if (d instanceof Float64Array) return tf.tensor(Float32Array.from(d), batch.shape, 'float32');
  if (d instanceof Uint32Array) return tf.tensor(Float32Array.from(d), batch.shape, 'float32');
  return tf.tensor(Int32Array.from(d as ArrayLike<number>), batch.shape, 'int32');
}

export interface DatasetOptions {
  /** Cast both xs and ys to float32 (default true: what most losses expect). */
  float32?: boolean;
}

/**
 * A `tf.data.Dataset` of `{ xs, ys }` from two flows over the same samples (zipped: aligned, checked),
 * or of single tensors from one flow. Each epoch iterates the flows again; tfjs disposes the tensors
 * of a batch after using them in `fitDataset`.
 */
export function toDataset(spec: { xs: FlowLike; ys: FlowLike } | FlowLike, options: DatasetOptions = {}): tf.data.Dataset<tf.TensorContainer> {
  const cast = options.float32 ?? true;
  const conv = (b: Batch) => {
    const t = toTensor(b);
    if (!cast || t.dtype === 'float32') return t;
    const f = t.toFloat();
    t.dispose();
    return f;
  };
  if (isFlow(spec)) {
    return tf.data.generator(async function* () {
      for await (const b of spec) yield conv(b);
    } as unknown as () => AsyncIterator<tf.TensorContainer>);
  }
  if (!spec || !isFlow(spec.xs) || !isFlow(spec.ys)) throw new ArgumentError('toDataset', 'a flow, or { xs: flow, ys: flow }', spec);
  const { xs, ys } = spec;
  return tf.data.generator(async function* () {
    for await (const [x, y] of zip(xs, ys)) yield { xs: conv(x), ys: conv(y) };
  } as unknown as () => AsyncIterator<tf.TensorContainer>);
}

function isFlow(v: unknown): v is FlowLike {
  return typeof v === 'object' && v !== null && typeof (v as FlowLike)[Symbol.asyncIterator] === 'function';
}

export { tf };
export type { FlowLike };
