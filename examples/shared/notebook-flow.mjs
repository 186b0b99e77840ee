// The Keras Spatial notebook's flow ("Processing digital elevation data for deep learning models") on
// the data shipped in examples/data: a DEM and a label raster in another CRS, a regular and a random
// grid, global statistics from one pass, a normalisation callback, aligned DEM/label batches, a few
// training steps of a small tfjs segmentation model (seeded: the same losses every run; the label
// raster's nodata is masked out of the loss through the labels' validity layer, never trained on as a
// class), and pictures; then section 4 (vector-augment-flow.mjs): waterway polygons as labels,
// samples only inside the valid footprint, flips and turns, predictions written back. Shared by the
// Node and Deno scripts.
import * as tf from '@tensorflow/tfjs';
import { attributes, previewCurve, previewGrid, previewSamples, readVector, SpatialDataGenerator, terminateEngine, zip } from 'geotensor';
import { toDataset } from 'geotensor/tf';
import { vectorAugmentFlow } from './vector-augment-flow.mjs';

/**
 * @param {{ data: string, writeFile: (path: string, bytes: Uint8Array) => Promise<void>, out: string, log?: (s: string) => void, epochs?: number }} io
 */
export async function notebookFlow({ data, writeFile, out, log = console.log, epochs = 4 }) {
  const t0 = performance.now();
  const ms = () => `${(performance.now() - t0).toFixed(0)} ms`;

  // 2.1 The generators and their meta
  const dem = await SpatialDataGenerator.open(`${data}/olinda_dem_utm25s.tif`, { dtype: 'float32', resampling: 'bilinear' });
  // mask: true gives the labels a validity layer (0 where the label raster has nodata, 255, or no data)
  const labels = await SpatialDataGenerator.open(`${data}/olinda_label_4326.tif`, { dtype: 'float32', mask: true });
  log(`DEM    ${dem.meta.width}x${dem.meta.height} ${dem.meta.dtype}, pixel ${dem.res[0].toFixed(1)} m, CRS ${dem.meta.crs.epsg ?? 'WKT without EPSG code'}`);
  log(`labels ${labels.meta.width}x${labels.meta.height} ${labels.meta.dtype}, pixel ${labels.res[0]}°, CRS EPSG:${labels.meta.crs.epsg}`);

  // 2.2 Sample grids in the DEM's CRS (metres)
  const grid = dem.regularGrid(1500, 1500, { overlap: 0.25 });
  const random = dem.randomGrid(1500, 1500, 40, { seed: 1 });
  log(`regular grid: ${grid.length} samples of 1500 m (overlap 0.25); random grid: ${random.length} samples (seed 1)`);

  // 3.1 The samples that meet the watershed (a polygon in EPSG:4326), and per-sample attributes
  const watershed = await readVector(`${data}/watershed_4326.geojson`);
  let inside = grid.intersects(watershed.geojson, { crs: watershed.crs });
  inside = await attributes(labels, inside, { width: 64, height: 64, stats: ['classCounts'] });
  inside = await attributes(dem, inside, { width: 64, height: 64, stats: ['max'] });
  const waterways = inside.column('class_1');
  log(
    `watershed: ${inside.length} of ${grid.length} samples intersect it; label pixels per sample ${Math.min(...waterways)}..${Math.max(...waterways)}, highest point ${Math.max(...inside.column('max')).toFixed(1)} m`,
  );
  await writeFile(
    `${out}/watershed.png`,
    await previewGrid(dem, inside, { column: 'class_1', outline: watershed, title: `${inside.length} samples meet the watershed: waterway pixels` }),
  );

  // 3.2 Global statistics of the DEM over the samples, from one pass
  let gmin = Infinity;
  let gmax = -Infinity;
  for await (const b of dem.flow(grid, 64, 64, { batchSize: 16 })) {
    for (const v of b.data) if (!Number.isNaN(v)) (gmin = Math.min(gmin, v)), (gmax = Math.max(gmax, v));
  }
  log(`elevation over the samples: min ${gmin.toFixed(1)} m, max ${gmax.toFixed(1)} m (${ms()})`);

  // 3.3 A normalisation callback, as the notebook does for elevation; labels: nodata (255) becomes 0
  // here only to keep the loss finite: the validity layer keeps those pixels out of the loss.
  dem.addPreprocessCallback('normalize', (s, lo, hi) => s.data.map((v) => (Number.isNaN(v) ? 0 : (v - lo) / (hi - lo))), gmin, gmax);
  labels.addPreprocessCallback('nodata', (s) => s.data.map((v) => (v === 255 ? 0 : v)));

  // Pictures: the grid over the DEM, a few DEM samples and their labels (aligned)
  await writeFile(`${out}/grid.png`, await previewGrid(dem, grid, { title: `${grid.length} samples of 1500 m over the Olinda DEM` }));
  const hills = grid.select([40, 41, 42, 43, 44, 45, 46, 47]); // the sixth row from the bottom: hills and valleys
  const [[lab, elev]] = await first(zip(labels.flow(hills, 64, 64, { batchSize: 8 }), dem.flow(hills, 64, 64, { batchSize: 8 })));
  await writeFile(
    `${out}/dem-samples.png`,
    previewSamples(elev, {
      colormap: 'viridis',
      range: [0, 1],
      cell: 96,
      colorbar: true,
      label: `elevation, normalised (0 = ${gmin.toFixed(1)} m, 1 = ${gmax.toFixed(1)} m)`,
      title: 'DEM samples',
    }),
  );
  await writeFile(
    `${out}/label-samples.png`,
    previewSamples(lab, { colormap: 'classes', cell: 96, classNames: { 0: 'land', 1: 'waterway' }, title: 'Label samples, same boxes (EPSG:4326 raster)' }),
  );

  // The Landsat 7 scene of the same area through the same boxes, as a false-colour composite
  // (near infrared, red, green as red, green, blue: vegetation red), stretched between percentiles
  const l7 = await SpatialDataGenerator.open(`${data}/olinda_l7_432.tif`, { resampling: 'bilinear' });
  const [image] = await first(l7.flow(hills, 64, 64, { batchSize: 8 }));
  await writeFile(`${out}/l7-composite.png`, previewSamples(image, { rgb: [0, 1, 2], cell: 96, title: 'Landsat 7 false colour (NIR, red, green), same boxes' }));
  await l7.close();

  // 3.4 A small segmentation model trained on zipped label/DEM batches, seeded; the labels' second
  // layer (validity) weighs each pixel's loss, so pixels without a label are not learnt as land.
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [64, 64, 1], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  const split = (yTrue) => [yTrue.slice([0, 0, 0, 0], [-1, -1, -1, 1]), yTrue.slice([0, 0, 0, 1], [-1, -1, -1, 1])];
  const maskedLoss = (yTrue, yPred) =>
    tf.tidy(() => {
      const [y, valid] = split(yTrue);
      const p = yPred.clipByValue(1e-7, 1 - 1e-7);
      const bce = y
        .mul(p.log())
        .add(tf.scalar(1).sub(y).mul(tf.scalar(1).sub(p).log()))
        .neg();
      return bce.mul(valid).sum().div(valid.sum().maximum(1));
    });
  const maskedAccuracy = (yTrue, yPred) =>
    tf.tidy(() => {
      const [y, valid] = split(yTrue);
      return yPred.round().equal(y).toFloat().mul(valid).sum().div(valid.sum().maximum(1));
    });
  model.compile({ optimizer: tf.train.adam(0.02), loss: maskedLoss, metrics: [maskedAccuracy] });
  const ds = toDataset({ xs: dem.flow(grid, 64, 64, { batchSize: 8, shuffle: true, seed: 3 }), ys: labels.flow(grid, 64, 64, { batchSize: 8, shuffle: true, seed: 3 }) });
  const history = await model.fitDataset(ds, { epochs, verbose: 0 });
  const loss = history.history.loss.map((v) => Number(v).toFixed(3));
  const acc = history.history.maskedAccuracy;
  log(`trained ${epochs} epochs on ${grid.length} aligned DEM/label samples: loss ${loss.join(' -> ')}, accuracy ${Number(acc.at(-1)).toFixed(3)} (${ms()})`);
  await writeFile(
    `${out}/loss.png`,
    previewCurve(history.history.loss.map(Number), {
      title: 'Training loss (labelled pixels only)',
      yLabel: 'loss, accuracy',
      series: { accuracy: acc.map(Number) },
      name: 'loss',
    }),
  );
  log(`pictures: ${out}/grid.png, ${out}/watershed.png, ${out}/dem-samples.png, ${out}/label-samples.png, ${out}/l7-composite.png, ${out}/loss.png`);

  // 4. Labels from vectors, sampling where the data is, augmentations that keep the map
  await vectorAugmentFlow({ data, out, writeFile, log, dem, epochs: Math.min(epochs, 2) });

  model.dispose();
  await dem.close();
  await labels.close();
  await terminateEngine();
  return { samples: grid.length, loss: history.history.loss };
}

async function first(it) {
  for await (const v of it) return [v];
  return [];
}
