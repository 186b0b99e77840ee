// The Keras Spatial notebook's flow ("Processing digital elevation data for deep learning models") on
// the data shipped in examples/data: a DEM and a label raster in another CRS, a regular and a random
// grid, global statistics from one pass, a normalisation callback, aligned DEM/label batches, a few
// training steps of a small tfjs segmentation model, and pictures. Shared by the Node and Deno scripts.
import * as tf from '@tensorflow/tfjs';
import { attributes, previewCurve, previewGrid, previewSamples, readVector, SpatialDataGenerator, terminateEngine, zip } from 'geotensor';
import { toDataset } from 'geotensor/tf';

/**
 * @param {{ data: string, writeFile: (path: string, bytes: Uint8Array) => Promise<void>, out: string, log?: (s: string) => void, epochs?: number }} io
 */
export async function notebookFlow({ data, writeFile, out, log = console.log, epochs = 4 }) {
  const t0 = performance.now();
  const ms = () => `${(performance.now() - t0).toFixed(0)} ms`;

  // 2.1 The generators and their meta
  const dem = await SpatialDataGenerator.open(`${data}/olinda_dem_utm25s.tif`, { dtype: 'float32', resampling: 'bilinear' });
  const labels = await SpatialDataGenerator.open(`${data}/olinda_label_4326.tif`, { dtype: 'float32' });
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
  await writeFile(`${out}/watershed.png`, await previewGrid(dem, inside, { column: 'class_1', outline: watershed }));

  // 3.2 Global statistics of the DEM over the samples, from one pass
  let gmin = Infinity;
  let gmax = -Infinity;
  for await (const b of dem.flow(grid, 64, 64, { batchSize: 16 })) {
    for (const v of b.data) if (!Number.isNaN(v)) (gmin = Math.min(gmin, v)), (gmax = Math.max(gmax, v));
  }
  log(`elevation over the samples: min ${gmin.toFixed(1)} m, max ${gmax.toFixed(1)} m (${ms()})`);

  // 3.3 A normalisation callback, as the notebook does for elevation; labels: nodata -> 0
  dem.addPreprocessCallback('normalize', (s, lo, hi) => s.data.map((v) => (Number.isNaN(v) ? 0 : (v - lo) / (hi - lo))), gmin, gmax);
  labels.addPreprocessCallback('nodata', (s) => s.data.map((v) => (v === 255 ? 0 : v)));

  // Pictures: the grid over the DEM, a few DEM samples and their labels (aligned)
  await writeFile(`${out}/grid.png`, await previewGrid(dem, grid));
  const hills = grid.select([40, 41, 42, 43, 44, 45, 46, 47]); // the sixth row from the bottom: hills and valleys
  const [[lab, elev]] = await first(zip(labels.flow(hills, 64, 64, { batchSize: 8 }), dem.flow(hills, 64, 64, { batchSize: 8 })));
  await writeFile(`${out}/dem-samples.png`, previewSamples(elev, { colormap: 'viridis', range: [0, 1], cell: 96 }));
  await writeFile(`${out}/label-samples.png`, previewSamples(lab, { colormap: 'classes', cell: 96 }));

  // 3.4 A small segmentation model trained on zipped label/DEM batches
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [64, 64, 1], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.02), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const ds = toDataset({ xs: dem.flow(grid, 64, 64, { batchSize: 8, shuffle: true, seed: 3 }), ys: labels.flow(grid, 64, 64, { batchSize: 8, shuffle: true, seed: 3 }) });
  const history = await model.fitDataset(ds, { epochs, verbose: 0 });
  const loss = history.history.loss.map((v) => Number(v).toFixed(3));
  const acc = history.history.acc ?? history.history.accuracy;
  log(`trained ${epochs} epochs on ${grid.length} aligned DEM/label samples: loss ${loss.join(' -> ')}, accuracy ${Number(acc.at(-1)).toFixed(3)} (${ms()})`);
  await writeFile(`${out}/loss.png`, previewCurve(history.history.loss.map(Number)));
  log(`pictures: ${out}/grid.png, ${out}/watershed.png, ${out}/dem-samples.png, ${out}/label-samples.png, ${out}/loss.png`);

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
