/** Pictures people read: titles, exact colour-bar ends, legends of classes, RGB composites with a stretch, axes. */
import { decode } from 'fast-png';
import { assert, test, testEnv } from './lib/harness.js';
import { ArgumentError, previewCurve, previewSamples, SpatialDataGenerator, type Batch } from '../src/index.js';
import { niceTicks } from '../src/preview/curve.js';
import { formatNumber } from '../src/preview/font.js';
import { colour } from '../src/preview/colormap.js';

const png = (bytes: Uint8Array) => decode(bytes);
const pixel = (img: ReturnType<typeof decode>, x: number, y: number) => Array.from(img.data.slice((y * img.width + x) * img.channels, (y * img.width + x) * img.channels + 3));

test('numbers on pictures are exact: 4096 stays 4096, fractions keep 6 digits, tiny values an exponent', () => {
  assert.equal(formatNumber(4096), '4096');
  assert.equal(formatNumber(-32768), '-32768');
  assert.equal(formatNumber(0.1234567), '0.123457');
  assert.equal(formatNumber(87.2), '87.2');
  assert.equal(formatNumber(0.00001234), '1.234e-5');
  assert.deepEqual(niceTicks(0.231, 0.62), [0.3, 0.4, 0.5, 0.6]);
  assert.deepEqual(niceTicks(1, 4, 4), [1, 2, 3, 4]);
});

async function l7Batch(): Promise<Batch> {
  const sdg = await SpatialDataGenerator.open(await testEnv().sharedSource('L7_ETMs.tif'));
  for await (const b of sdg.flow(sdg.regularGrid(2000, 2000).take(4), 16, 16, { batchSize: 4 })) {
    await sdg.close();
    return b;
  }
  throw new Error('no batch');
}

test('an RGB composite stretches each layer between its percentiles; a title adds a band above; cells are numbered', async () => {
  const b = await l7Batch();
  const plain = png(previewSamples(b, { rgb: [3, 2, 1], cell: 16, numbers: false }));
  const titled = png(previewSamples(b, { rgb: [3, 2, 1], cell: 16, numbers: false, title: 'false colour' }));
  assert.ok(titled.height > plain.height + 10, `a title band (${titled.height} vs ${plain.height})`);
  // Each channel is (v - p2) / (p98 - p2) of its layer over the shown samples.
  const q = (l: number, p: number) => {
    const v: number[] = [];
    for (let k = 0; k < 4; k++) for (let i = 0; i < 256; i++) v.push(b.data[(k * 256 + i) * 6 + l]);
    v.sort((x, y) => x - y);
    return v[Math.round((p / 100) * (v.length - 1))];
  };
  const expect = [3, 2, 1].map((l) => {
    const lo = q(l, 2);
    const hi = q(l, 98);
    return Math.round(255 * Math.min(1, Math.max(0, (b.data[l] - lo) / (hi - lo))));
  });
  // The first cell starts 2 pixels in (the gap), centred in a picture at least 220 wide.
  const ox = Math.floor((plain.width - (4 * 18 + 2)) / 2) + 2;
  assert.deepEqual(pixel(plain, ox, 2), expect, 'sample 0, pixel (0, 0)');
  assert.throws(() => previewSamples(b, { rgb: [3, 2] as never }), ArgumentError, { input: 'rgb' });
  assert.throws(() => previewSamples(b, { rgb: [3, 2, 9] }), ArgumentError, { input: 'rgb' });
  assert.throws(() => previewSamples(b, { rgb: [3, 2, 1], stretch: [50, 10] }), ArgumentError, { input: 'stretch' });
  const numbered = png(previewSamples(b, { rgb: [3, 2, 1], cell: 32 }));
  assert.deepEqual(pixel(numbered, Math.floor((numbered.width - (4 * 34 + 2)) / 2) + 2, 2), [255, 255, 255], 'the label box of sample 0');
});

test('a colour bar runs from the exact minimum to the exact maximum; classes get a legend of their colours', async () => {
  const data = new Float32Array(2 * 4 * 4);
  for (let i = 0; i < data.length; i++) data[i] = i < 16 ? 16 : 4096; // sample 0 all 16, sample 1 all 4096
  const batch: Batch = { data, shape: [2, 4, 4, 1], dtype: 'float32', indices: Int32Array.from([0, 1]), layout: 'pixel' };
  const img = png(previewSamples(batch, { cell: 48, colorbar: true, label: 'waterway pixels' }));
  // The bar starts 8 pixels in, 4 below the mosaic (2 + 48 + 2 high), and is 14 high.
  const barY = 2 + 48 + 2 + 4 + 7;
  assert.deepEqual(pixel(img, 8, barY), colour('viridis', 0), 'left end: the minimum');
  assert.deepEqual(pixel(img, img.width - 9, barY), colour('viridis', 1), 'right end: the maximum');
  const cls = new Uint8Array(2 * 4 * 4).map((_, i) => (i < 16 ? 0 : 1));
  const labels: Batch = { data: cls, shape: [2, 4, 4, 1], dtype: 'uint8', indices: Int32Array.from([0, 1]), layout: 'pixel' };
  const li = png(previewSamples(labels, { colormap: 'classes', cell: 48, classNames: { 0: 'land', 1: 'water' } }));
  const legendY = 2 + 48 + 2 + 6 + 3;
  const swatches = new Set<string>();
  for (let x = 0; x < li.width; x++) swatches.add(pixel(li, x, legendY).join(','));
  for (const k of [0, 1]) assert.ok(swatches.has(colour('classes', k).join(',')), `a swatch for class ${k}`);
});

test('a curve has axes with round ticks, epochs 1..n, a legend for several series; too small a chart is an ArgumentError', () => {
  const img = png(previewCurve([0.6, 0.45, 0.35, 0.28], { title: 'loss', series: { accuracy: [0.5, 0.6, 0.8, 0.95] } }));
  assert.deepEqual([img.width, img.height], [480, 300]);
  const colours = new Set<string>();
  for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) colours.add(pixel(img, x, y).join(','));
  assert.ok(colours.has('33,113,181') && colours.has('230,85,13'), 'both series are drawn');
  assert.throws(() => previewCurve([1, 2], { width: 60, height: 60 }), ArgumentError);
  assert.throws(() => previewCurve([]), ArgumentError, { input: 'values' });
});
