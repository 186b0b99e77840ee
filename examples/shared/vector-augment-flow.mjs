// Section 4 of the demo: labels from vectors, sampling where the data is, augmentations that keep
// the map. Waterway polygons (derived from the DEM, in EPSG:4326) rasterized by GDAL through each
// box; random boxes drawn only where there is land (the footprint of the DEM with the sea as nodata);
// boxes jittered and turned (GDAL warps through the turned grids), then flipped and quarter-turned
// alike in the DEM and label flows; a few seeded training steps; predictions and the DEM itself
// written back to the map with the augmentation undone. Shared by the Node and Deno scripts.
import * as tf from '@tensorflow/tfjs';
import { PredictionWriter, previewGrid, previewSamples, SpatialDataGenerator, zip } from 'geotensor';
import { toDataset } from 'geotensor/tf';

/**
 * @param {{ data: string, out: string, writeFile: (path: string, bytes: Uint8Array) => Promise<void>, log: (s: string) => void, dem: SpatialDataGenerator, epochs?: number }} io
 * `dem`: the demo's DEM generator (normalising callback attached).
 */
export async function vectorAugmentFlow({ data, out, writeFile, log, dem, epochs = 2 }) {
  const t0 = performance.now();
  const ms = () => `${(performance.now() - t0).toFixed(0)} ms`;
  // 4.1 Waterway polygons as labels: class 1 streams, 2 rivers, burned by GDAL into each box.
  const waterways = await SpatialDataGenerator.open(`${data}/waterways_4326.geojson`, { burn: 'class', allTouched: true });
  log(`waterways: ${waterways.meta.vector.featureCount} polygons (${waterways.meta.vector.geometryType}, EPSG:4326), rasterized through each box`);

  // 4.2 Where there is land: the DEM with the sea as nodata (olinda_dem_land.tif); its valid-data
  // footprint, and random boxes at least 90 % on land.
  const land = await SpatialDataGenerator.open(`${data}/olinda_dem_land.tif`);
  const footprint = await land.footprint();
  await land.close();
  const anywhere = dem.randomGrid(1500, 1500, 200, { seed: 4 });
  const wet = Array.from(anywhere.validFraction(footprint)).filter((f) => f < 0.9).length;
  const boxes = dem.randomGrid(1500, 1500, 100, { seed: 4, minValid: 0.9, footprint });
  const least = Math.min(...boxes.validFraction(footprint));
  const parts = footprint.polygons().length;
  log(
    `footprint of the land: ${(100 * footprint.validFraction).toFixed(1)} % of ${footprint.width}x${footprint.height} cells, ${parts} polygon${parts === 1 ? '' : 's'}; ` +
      `${wet} of 200 random boxes are more than 10 % sea, 0 of 100 drawn with minValid: 0.9 (least land ${least.toFixed(3)})`,
  );

  // 4.3 Boxes jittered and turned (map units, degrees), then flips and quarter turns in the flows.
  const turned = boxes.augment({ jitter: 150, scale: [0.9, 1.1], rotate: 25, seed: 5 });
  const augment = { flip: true, rot90: true, seed: 6 };
  await writeFile(
    `${out}/augmented-boxes.png`,
    await previewGrid(dem, turned.take(40), {
      outline: { geojson: footprint.toGeoJSON(), crs: footprint.crs },
      title: 'Jittered, rescaled and turned boxes on land (footprint in blue)',
    }),
  );
  const [[x, y]] = await first(zip(dem.flow(turned.take(8), 64, 64, { batchSize: 8, augment }), waterways.flow(turned.take(8), 64, 64, { batchSize: 8, augment })));
  await writeFile(
    `${out}/augmented-dem.png`,
    previewSamples(x, { colormap: 'viridis', range: [0, 1], cell: 96, title: `DEM, turned boxes then flipped/turned (codes ${Array.from(x.transforms).join(' ')})` }),
  );
  await writeFile(
    `${out}/augmented-waterways.png`,
    previewSamples(y, { colormap: 'classes', cell: 96, classNames: { 0: 'land', 1: 'stream', 2: 'river' }, title: 'Waterway labels, same boxes and transforms' }),
  );

  // 4.4 A few seeded steps of a small model: waterway (class > 0) from elevation.
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [32, 32, 1], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }) }),
      tf.layers.conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 8 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.02), loss: 'binaryCrossentropy' });
  waterways.addPreprocessCallback('any waterway', (s) => s.data.map((v) => (v > 0 ? 1 : 0)));
  const ds = toDataset({
    xs: dem.flow(turned, 32, 32, { batchSize: 20, augment, shuffle: true, seed: 9 }),
    ys: waterways.flow(turned, 32, 32, { batchSize: 20, augment, shuffle: true, seed: 9 }),
  });
  const history = await model.fitDataset(ds, { epochs, verbose: 0 });
  log(`trained ${epochs} epochs on ${turned.length} augmented DEM/waterway samples: loss ${history.history.loss.map((v) => Number(v).toFixed(3)).join(' -> ')} (${ms()})`);

  // 4.5 Predictions back on the map: each prediction turned back (batch.transforms) and placed on its
  // turned box. The DEM written back the same way equals the DEM written back without augmentation.
  const grid = { resolution: 50, blend: 'distance' };
  const predictions = PredictionWriter.forSamples(boxes, grid);
  const back = PredictionWriter.forSamples(boxes, grid);
  const plain = PredictionWriter.forSamples(boxes, grid);
  for await (const b of dem.flow(turned, 32, 32, { batchSize: 20, augment })) {
    const p = tf.tidy(() => model.predict(tf.tensor(b.data, b.shape)).dataSync());
    predictions.addBatch(turned, b.indices, { data: p, shape: [b.indices.length, 32, 32, 1] }, b.transforms);
    back.addBatch(turned, b.indices, b, b.transforms);
  }
  for await (const b of dem.flow(turned, 32, 32, { batchSize: 20 })) plain.addBatch(turned, b.indices, b);
  const [pb, pp] = [back.pixels(), plain.pixels()];
  let differ = 0;
  for (let i = 0; i < pb.length; i++) if (!Object.is(pb[i], pp[i])) differ++;
  const bytes = await predictions.toBytes();
  await writeFile(`${out}/waterway-predictions.tif`, bytes);
  const written = await SpatialDataGenerator.open(bytes, { name: 'waterway-predictions.tif' });
  await writeFile(`${out}/waterway-predictions.png`, await previewGrid(written, turned.take(0), { title: 'Predicted waterway probability, back on the map' }));
  await written.close();
  log(
    `written back: waterway-predictions.tif (${predictions.width}x${predictions.height}, ${predictions.count} predictions); ` +
      `the DEM through the same augmented flow writes back ${differ === 0 ? 'identical to' : `${differ} pixels apart from`} the unaugmented one`,
  );
  log(`pictures: ${out}/augmented-boxes.png, ${out}/augmented-dem.png, ${out}/augmented-waterways.png, ${out}/waterway-predictions.png`);
  model.dispose();
  await waterways.close();
}

async function first(it) {
  for await (const v of it) return [v];
  return [];
}
