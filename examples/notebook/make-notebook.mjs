// Writes keras-spatial-dem.ipynb (without outputs) from the cells below, so the notebook's source is
// reviewable as code. `npm run notebook` then executes it with Deno's Jupyter kernel and writes the
// executed copy (with its pictures) in place.
import { writeFileSync } from 'node:fs';

const md = (s) => ({ cell_type: 'markdown', metadata: {}, source: lines(s) });
const code = (s) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: lines(s) });
const lines = (s) =>
  s
    .trim()
    .split('\n')
    .map((l, i, a) => (i < a.length - 1 ? `${l}\n` : l));

let cellId = 0;
const withId = (c) => ({ id: `cell-${String(++cellId).padStart(2, '0')}`, ...c });
const cells = [
  md(`
# Processing digital elevation data for deep learning models — with geotensor

This notebook follows the Keras Spatial notebook *Processing digital elevation data for deep learning
models* section by section, in TypeScript on Deno's Jupyter kernel (\`deno jupyter\`), with
[geotensor](../../README.md) instead of Keras Spatial. The data ship with the example
(\`examples/data/\`): a DEM of Olinda (Brazil, UTM 25S, ≈90 m pixels), a label raster derived from it in
another CRS and pixel size (EPSG:4326, 0.0004°: 1 where the ground is above 12 m), and a watershed
polygon derived from the DEM (EPSG:4326; \`test/reference/watershed.py\`: pit filling, D8 flow, the
catchment of one outlet). Pictures are shown inline; outside a notebook the same helpers return PNG
bytes to write to files.`),
  md(`## 2.1 The generators and their meta`),
  code(`
import * as tf from '@tensorflow/tfjs';
import { SpatialDataGenerator, attributes, globalStats, normalize, readVector, previewGrid, previewSamples, previewCurve, zip, terminateEngine } from 'geotensor';
import { toDataset } from 'geotensor/tf';

const dem = await SpatialDataGenerator.open('../data/olinda_dem_utm25s.tif', { dtype: 'float32', resampling: 'bilinear' });
const labels = await SpatialDataGenerator.open('../data/olinda_label_4326.tif', { dtype: 'float32' });
const summary = (g: SpatialDataGenerator) => ({ driver: g.meta.driver, dtype: g.meta.dtype, width: g.meta.width, height: g.meta.height, count: g.meta.count, nodata: g.meta.nodata, crs: g.meta.crs?.epsg ? \`EPSG:\${g.meta.crs.epsg}\` : 'WKT without EPSG code', res: g.res, bounds: g.bounds });
// A markdown table that shows itself in the notebook (Deno's Jupyter display protocol).
const table = (rows: Record<string, Record<string, unknown>>) => {
  const keys = [...new Set(Object.values(rows).flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => (Array.isArray(v) ? v.map((x) => (typeof x === 'number' ? Number(x.toFixed(4)) : x)).join(', ') : String(v));
  const md = [\`| | \${keys.join(' | ')} |\`, \`|---|\${keys.map(() => '---').join('|')}|\`, ...Object.entries(rows).map(([k, r]) => \`| **\${k}** | \${keys.map((c) => cell(r[c])).join(' | ')} |\`)].join('\\n');
  return { [Symbol.for('Jupyter.display')]: () => ({ 'text/markdown': md, 'text/plain': md }) };
};
table({ dem: summary(dem), labels: summary(labels) })`),
  md(`## 2.2 Sample grids

\`regularGrid\` and \`randomGrid\` make boxes in the DEM's CRS (metres); the array size is chosen later.`),
  code(`
const grid = dem.regularGrid(1000, 1000);
const random = dem.randomGrid(1000, 1000, 60, { seed: 0 });
console.log(\`regular grid: \${grid.length} samples, random grid: \${random.length} samples\`);`),
  code(`await previewGrid(dem, grid)`),
  code(`await previewGrid(dem, random)`),
  md(`## 3 The DEM and the label raster

The label raster is in EPSG:4326; drawn here through the DEM's CRS, as every sample will be.`),
  code(`await previewGrid(dem, grid.select([]), { size: 360 })`),
  code(`await previewGrid(labels, grid.select([]), { size: 360 })`),
  md(`## 3.1 Samples that intersect the watershed, and per-sample attributes

The polygon is in EPSG:4326, the boxes in UTM: \`intersects\` transforms as needed.`),
  code(`
const watershed = await readVector('../data/watershed_4326.geojson');
const inside = grid.intersects(watershed.geojson, { crs: watershed.crs });
console.log(\`\${inside.length} of \${grid.length} samples intersect the watershed\`);`),
  code(`await previewGrid(dem, inside, { outline: watershed })`),
  md(`Per-sample columns, as the notebook's dataframe: the number of label pixels (class 1) and the DEM's
extremes, computed in one pass each; drawn as a choropleth of the sample boxes.`),
  code(`
let samples = await attributes(labels, inside, { width: 64, height: 64, stats: ['classCounts'] });
samples = await attributes(dem, samples, { width: 64, height: 64, stats: ['min', 'max', 'mean', 'std', 'count'] });
console.log(samples.columnNames.join(', '));`),
  code(`await previewGrid(dem, samples, { column: 'class_1', outline: watershed })`),
  code(`await previewGrid(dem, samples, { column: 'max', outline: watershed })`),
  md(`## 3.2 Global statistics`),
  code(`
const stats = globalStats(samples);
table({ elevation: stats })`),
  md(`## 3.3 A normalisation callback

Every DEM sample is scaled from the global range to [0, 1] by a preprocess callback; the first sample:`),
  code(`
dem.addPreprocessCallback('normalize', normalize(stats.min, stats.max));
const firstBatch = (await dem.flow(samples.take(1), 128, 128)[Symbol.asyncIterator]().next()).value;
console.log(\`shape \${firstBatch.shape}, \${firstBatch.data.constructor.name}\`);`),
  code(`previewSamples(firstBatch, { colormap: 'viridis', colorbar: true, cell: 256 })`),
  md(`## 3.4 Label and DEM batches for a segmentation model

\`zip\` checks that the two flows give the same samples; \`toDataset\` makes a tf.data dataset of them
for \`fitDataset\`. The label's nodata (255) becomes 0.`),
  code(`
labels.addPreprocessCallback('nodata', (s) => ({ data: s.data.map((v: number) => (v === 255 ? 0 : v)), shape: s.shape }));
for await (const [y, x] of zip(labels.flow(samples, 64, 64, { batchSize: 8 }), dem.flow(samples, 64, 64, { batchSize: 8 }))) {
  console.log(\`labels \${y.shape}, DEM \${x.shape}: samples \${Array.from(x.indices).join(' ')}\`);
  break;
}`),
  code(`previewSamples((await labels.flow(samples.take(8), 64, 64)[Symbol.asyncIterator]().next()).value, { colormap: 'classes', cell: 64 })`),
  code(`
const model = tf.sequential({
  layers: [
    tf.layers.conv2d({ inputShape: [64, 64, 1], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }),
    tf.layers.conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid' }),
  ],
});
model.compile({ optimizer: tf.train.adam(0.02), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
const data = toDataset({ xs: dem.flow(samples, 64, 64, { batchSize: 8, shuffle: true, seed: 1 }), ys: labels.flow(samples, 64, 64, { batchSize: 8, shuffle: true, seed: 1 }) });
const history = await model.fitDataset(data, { epochs: 8, verbose: 0 });
console.log(\`loss per epoch: \${history.history.loss.map((v) => Number(v).toFixed(3)).join(' ')}\`);`),
  code(`previewCurve(history.history.loss as number[])`),
  md(`## 4 From a STAC catalog: assets as aligned bands, dates as a time axis

Beyond Keras Spatial: a static STAC catalog (the one the tests serve, \`test/fixtures/stac\`: Landsat 7
over Olinda, one COG per band at 28.5, 57 and 114 m in UTM 25S and at 30 m in another UTM datum, two
dates) opens as one source whose bands are the assets, each warped from its own resolution and CRS
onto the finest grid; \`time\` gives every sample its dates. \`stacSearch(apiUrl, { bbox, datetime,
collections })\` gives the same kind of input from a STAC API.`),
  code(`
const catalog = '../../test/fixtures/stac/catalog.json';
const time = { steps: 2, pick: 'latest' as const };
const bands = await SpatialDataGenerator.open(catalog, { assets: ['B2', 'B3', 'B4'], dtype: 'float32', resampling: 'bilinear', time });
const target = await SpatialDataGenerator.open(catalog, { assets: ['B1'], dtype: 'float32', resampling: 'bilinear', time: { steps: 1 } });
for (const g of [bands, target]) g.addPreprocessCallback('scale', normalize(0, 255));
const cells = bands.randomGrid(1500, 1500, 48, { seed: 2 });
const peek = (await bands.flow(cells.take(4), 32, 32)[Symbol.asyncIterator]().next()).value;
console.log(\`STAC batch \${peek.shape}; dates of sample 0: \${peek.times[0].join(', ')}\`);`),
  md(`A small model over [batch, dates, h, w, bands]: a 3-D convolution across the two dates, predicting
the latest date's B1 from its other bands and the earlier date's.`),
  code(`
const stacModel = tf.sequential({
  layers: [
    tf.layers.conv3d({ inputShape: [2, 32, 32, 3], filters: 6, kernelSize: [2, 3, 3], padding: 'same', activation: 'relu' }),
    tf.layers.conv3d({ filters: 1, kernelSize: [2, 1, 1], padding: 'valid' }),
  ],
});
stacModel.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
const stacData = toDataset({ xs: bands.flow(cells, 32, 32, { batchSize: 8, shuffle: true, seed: 4 }), ys: target.flow(cells, 32, 32, { batchSize: 8, shuffle: true, seed: 4 }) });
const stacHistory = await stacModel.fitDataset(stacData, { epochs: 6, verbose: 0 });
console.log(\`STAC loss per epoch: \${stacHistory.history.loss.map((v) => Number(v).toFixed(4)).join(' ')}\`);`),
  code(`previewSamples({ ...peek, data: peek.data.subarray(0, 32 * 32 * 3), shape: [1, 32, 32, 3] }, { cell: 192 })`),
  code(`
model.dispose();
stacModel.dispose();
await dem.close();
await labels.close();
await bands.close();
await target.close();
await terminateEngine();`),
];

const nb = {
  cells: cells.map(withId),
  metadata: {
    kernelspec: { display_name: 'Deno', language: 'typescript', name: 'deno' },
    language_info: {
      name: 'typescript',
      file_extension: '.ts',
      mimetype: 'text/x.typescript',
      codemirror_mode: 'typescript',
      nbconvert_exporter: 'script',
      pygments_lexer: 'typescript',
    },
  },
  nbformat: 4,
  nbformat_minor: 5,
};
writeFileSync(new URL('./keras-spatial-dem.ipynb', import.meta.url), `${JSON.stringify(nb, null, 1)}\n`);
console.log('wrote examples/notebook/keras-spatial-dem.ipynb');
