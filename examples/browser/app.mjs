// The page of examples/browser: the notebook flow on the shipped data, then any GeoTIFF the user drops.
// Bundled by examples/browser/build.mjs; served with the repository root by `npm run example:browser`.
import * as tf from '@tensorflow/tfjs';
import { attributes, configureEngine, globalStats, normalize, previewCurve, previewGrid, previewSamples, readVector, SpatialDataGenerator, zip } from '../../dist/index.js';
import { toDataset } from '../../dist/tf.js';

const out = document.getElementById('out');
const status = document.getElementById('status');
const log = (s) => (status.textContent += `\n${s}`);
const state = { pictures: 0, loss: null, runs: 0, error: null };
window.__example = state;

function show(caption, png) {
  const fig = document.createElement('figure');
  fig.innerHTML = `<img alt=""><figcaption></figcaption>`;
  fig.querySelector('img').src = png.toDataUrl();
  fig.querySelector('figcaption').textContent = caption;
  out.append(fig);
  state.pictures++;
}

async function first(flow) {
  for await (const b of flow) return b;
}

async function train(xs, ys, epochs, loss = 'binaryCrossentropy') {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [64, 64, 1], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.02), loss });
  const history = await model.fitDataset(toDataset({ xs, ys }), { epochs, verbose: 0 });
  model.dispose();
  return history.history.loss.map(Number);
}

/** The notebook: DEM and label raster (another CRS), grids, watershed mask, attributes, normalisation, training. */
async function notebook() {
  const file = async (name) => new File([await (await fetch(`../data/${name}`)).blob()], name);
  const dem = await SpatialDataGenerator.open(await file('olinda_dem_utm25s.tif'), { dtype: 'float32', resampling: 'bilinear' });
  const labels = await SpatialDataGenerator.open(await file('olinda_label_4326.tif'), { dtype: 'float32' });
  log(`DEM ${dem.meta.width}×${dem.meta.height}, labels ${labels.meta.width}×${labels.meta.height} in EPSG:${labels.meta.crs.epsg}`);
  const grid = dem.regularGrid(1000, 1000);
  show(`2.2 regularGrid(1000, 1000): ${grid.length} samples`, await previewGrid(dem, grid, { size: 360 }));
  const watershed = await readVector('../data/watershed_4326.geojson');
  let samples = grid.intersects(watershed.geojson, { crs: watershed.crs });
  show(`3.1 ${samples.length} samples intersect the watershed`, await previewGrid(dem, samples, { size: 360, outline: watershed }));
  samples = await attributes(labels, samples, { width: 64, height: 64, stats: ['classCounts'] });
  samples = await attributes(dem, samples, { width: 64, height: 64, stats: ['min', 'max', 'mean', 'std', 'count'] });
  show('label pixels per sample (class_1)', await previewGrid(dem, samples, { size: 360, column: 'class_1', outline: watershed }));
  const stats = globalStats(samples);
  log(`3.2 elevation: min ${stats.min.toFixed(1)} m, max ${stats.max.toFixed(1)} m`);
  dem.addPreprocessCallback('normalize', normalize(stats.min, stats.max));
  labels.addPreprocessCallback('nodata', (s) => ({ data: s.data.map((v) => (v === 255 ? 0 : v)), shape: s.shape }));
  show('3.3 the first sample, normalised', previewSamples(await first(dem.flow(samples.take(1), 128, 128)), { colormap: 'viridis', colorbar: true, cell: 256 }));
  const [y, x] = await first(zip(labels.flow(samples.take(8), 64, 64, { batchSize: 8 }), dem.flow(samples.take(8), 64, 64, { batchSize: 8 })));
  show('DEM samples', previewSamples(x, { colormap: 'viridis', range: [0, 1], cell: 64 }));
  show('label samples (same boxes)', previewSamples(y, { colormap: 'classes', cell: 64 }));
  const loss = await train(dem.flow(samples, 64, 64, { batchSize: 8, shuffle: true, seed: 1 }), labels.flow(samples, 64, 64, { batchSize: 8, shuffle: true, seed: 1 }), 8);
  show(`3.4 training loss per epoch: ${loss.map((v) => v.toFixed(3)).join(' ')}`, previewCurve(loss));
  log(`3.4 trained 8 epochs: loss ${loss[0].toFixed(3)} → ${loss.at(-1).toFixed(3)}`);
  state.loss = loss;
  await dem.close();
  await labels.close();
}

/** A dropped GeoTIFF: a grid over it, a few samples, a small autoencoder trained on them. */
async function dropped(f) {
  out.replaceChildren();
  status.textContent = `${f.name} (${(f.size / 1e6).toFixed(1)} MB)`;
  const sdg = await SpatialDataGenerator.open(f, { indexes: [1], dtype: 'float32', resampling: 'bilinear' });
  const m = sdg.meta;
  log(`${m.width}×${m.height}, ${m.count} band(s), ${m.dtype}, CRS ${m.crs.epsg ? `EPSG:${m.crs.epsg}` : 'WKT'}`);
  const side = Math.max(8, Math.floor(Math.min(m.width, m.height) / 6));
  const grid = sdg.regularGrid(side, side, { units: 'pixels' });
  show(`a regular grid of ${side}×${side}-pixel samples: ${grid.length}`, await previewGrid(sdg, grid, { size: 480 }));
  let lo = Infinity;
  let hi = -Infinity;
  for await (const b of sdg.flow(grid, 64, 64, { batchSize: 16 })) for (const v of b.data) if (Number.isFinite(v)) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  sdg.addPreprocessCallback('normalize', (s) => ({ data: s.data.map((v) => (Number.isFinite(v) ? (v - lo) / (hi - lo || 1) : 0)), shape: s.shape }));
  show('samples (band 1, normalised)', previewSamples(await first(sdg.flow(grid.take(16), 64, 64, { batchSize: 16 })), { colormap: 'viridis', range: [0, 1], cell: 64 }));
  // Autoencoder: the targets are the inputs (a second flow over the same boxes, same shuffle seed).
  const flow = () => sdg.flow(grid, 64, 64, { batchSize: 8, shuffle: true, seed: 1 });
  const loss = await train(flow(), flow(), 6, 'meanSquaredError');
  show(`autoencoder loss per epoch: ${loss.map((v) => v.toFixed(4)).join(' ')}`, previewCurve(loss));
  state.loss = loss;
  await sdg.close();
}

async function run(job) {
  try {
    await job();
    log('done');
  } catch (e) {
    state.error = `${e.name}: ${e.message}`;
    log(`error: ${state.error}`);
  }
  state.runs++;
}

await configureEngine({
  // Where the engine's files are served (here: the repository root; in an app, wherever you copy them).
  workerUrl: '/dist/engine.worker.js',
  assets: { wasm: '/node_modules/gdal3.js/dist/package/gdal3WebAssembly.wasm', data: '/node_modules/gdal3.js/dist/package/gdal3WebAssembly.data' },
});
status.textContent = `crossOriginIsolated: ${crossOriginIsolated}; reading the shipped DEM and labels…`;
const drop = document.getElementById('drop');
document.getElementById('file').addEventListener('change', (e) => e.target.files[0] && run(() => dropped(e.target.files[0])));
drop.addEventListener('dragover', (e) => (e.preventDefault(), drop.classList.add('over')));
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const f = e.dataTransfer.files[0];
  if (f) run(() => dropped(f));
});
await run(notebook);
