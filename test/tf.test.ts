/** tfjs adapters: tensors from batches, a Dataset that fitDataset trains on, no tensor leaks. */
import * as tf from '@tensorflow/tfjs';
import { assert, test, testEnv } from './lib/harness.js';
import { SpatialDataGenerator, type SampleArray } from '../src/index.js';
import { toDataset, toTensor } from '../src/tf.js';

test('toTensor keeps the shape; integer types become int32', async () => {
  const g = await SpatialDataGenerator.open(await testEnv().sharedSource('L7_ETMs.tif'), { indexes: [1, 2] });
  const s = g.regularGrid(3000, 3000);
  for await (const b of g.flow(s, 8, 8, { batchSize: 3 })) {
    const t = toTensor(b);
    assert.deepEqual(t.shape, [3, 8, 8, 2]);
    assert.equal(t.dtype, 'int32');
    assert.deepEqual(Array.from(await t.data()), Array.from(b.data));
    t.dispose();
    break;
  }
  await g.close();
});

test('a tiny segmentation model trains for an epoch through fitDataset on zipped label/DEM flows, without leaking tensors', async () => {
  await tf.ready();
  const dem = await SpatialDataGenerator.open(await testEnv().sharedSource('olinda_dem_utm25s.tif'), { dtype: 'float32', resampling: 'bilinear' });
  const lab = await SpatialDataGenerator.open(await testEnv().fixtureSource('olinda_label_4326.tif'), { dtype: 'float32' });
  dem.addPreprocessCallback('normalize', (x: SampleArray, lo: number, hi: number) => x.data.map((v) => (v - lo) / (hi - lo)) as Float32Array, 0, 80);
  lab.addPreprocessCallback('nodata-to-0', (x: SampleArray) => x.data.map((v) => (v === 255 ? 0 : v)) as Float32Array);
  const samples = dem.regularGrid(2000, 2000);
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [32, 32, 1], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.05), loss: 'binaryCrossentropy' });
  const ds = toDataset({ xs: dem.flow(samples, 32, 32, { batchSize: 5 }), ys: lab.flow(samples, 32, 32, { batchSize: 5 }) });
  // The first epoch creates the optimizer's state; after it, epochs must not leave tensors behind.
  const h1 = await model.fitDataset(ds, { epochs: 1, verbose: 0 });
  const before = tf.memory().numTensors;
  const h = await model.fitDataset(ds, { epochs: 2, verbose: 0 });
  const after = tf.memory().numTensors;
  const losses = [...(h1.history.loss as number[]), ...(h.history.loss as number[])];
  assert.equal(losses.length, 3);
  assert.ok(
    losses.every((l) => Number.isFinite(l) && l > 0),
    `losses ${losses}`,
  );
  assert.equal(after, before, `tensors after the first epoch ${before}, after two more ${after}`);
  model.dispose();
  await dem.close();
  await lab.close();
});
