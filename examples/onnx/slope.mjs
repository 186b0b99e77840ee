// geotensor batches into ONNX Runtime Web: no ML framework on geotensor's side, a batch's typed array
// is the model's input as it is. The model (examples/onnx/slope.onnx, made by make-model.py) is
// Horn's slope, what `gdaldem slope` computes; with native GDAL on the machine, this checks the
// slopes against gdaldem's of the same DEM, pixel for pixel. Run: node examples/onnx/slope.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { SampleSet, SpatialDataGenerator, terminateEngine } from 'geotensor';

const here = dirname(fileURLToPath(import.meta.url));
const demFile = resolve(here, '../data/olinda_dem_utm25s.tif');
const SIZE = 32; // pixels per sample side
const STEP = 24; // samples overlap by 8 pixels

ort.env.wasm.numThreads = 1;
const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(join(here, 'slope.onnx'))));
const dem = await SpatialDataGenerator.open(demFile, { interleave: 'band', dtype: 'float32' });

// Boxes on the DEM's own pixel grid, so that each sample holds the DEM's pixels as they are.
const [x0, , , y1] = dem.bounds;
const [rx, ry] = dem.res;
const boxes = [];
for (let row = 0; row + SIZE <= dem.meta.height; row += STEP) {
  for (let col = 0; col + SIZE <= dem.meta.width; col += STEP) {
    boxes.push([x0 + col * rx, y1 - (row + SIZE) * ry, x0 + (col + SIZE) * rx, y1 - row * ry]);
  }
}
const samples = SampleSet.fromBounds(boxes, dem.crs);
const pixel = new ort.Tensor('float32', Float32Array.from([rx, ry]), [2]);

const slopes = [];
for await (const batch of dem.flow(samples, SIZE, SIZE, { batchSize: 8 })) {
  // batch.data: Float32Array in 'band' layout [n, 1, h, w], what the model takes, not copied.
  const { slope } = await session.run({ dem: new ort.Tensor('float32', batch.data, batch.shape), pixel });
  slopes.push(slope);
}
const all = slopes.flatMap((t) => [...t.data]);
const mean = all.reduce((s, v) => s + v, 0) / all.length;
console.log(
  `ONNX Runtime Web ${ort.env.versions.web}: slope of ${samples.length} DEM samples of ${SIZE}x${SIZE} (${slopes[0].dims.join('x')} per batch of 8), mean ${mean.toFixed(2)}°, max ${Math.max(...all).toFixed(2)}°`,
);

// The check: gdaldem slope of the whole DEM, read through the same boxes.
let gdaldem = true;
try {
  execFileSync('gdalinfo', ['--version'], { stdio: 'ignore' }); // gdaldem comes with gdalinfo (gdal-bin)
} catch {
  gdaldem = false;
}
if (gdaldem) {
  const dir = mkdtempSync(join(tmpdir(), 'geotensor-onnx-'));
  try {
    const ref = join(dir, 'slope.tif');
    execFileSync('gdaldem', ['slope', '-q', demFile, ref]);
    const refGen = await SpatialDataGenerator.open(ref, { interleave: 'band', dtype: 'float32' });
    let worst = 0;
    let compared = 0;
    let k = 0;
    for await (const batch of refGen.flow(samples, SIZE, SIZE, { batchSize: 8 })) {
      const got = slopes[k++];
      const [n, , h2, w2] = got.dims;
      for (let s = 0; s < n; s++) {
        for (let y = 0; y < h2; y++) {
          for (let x = 0; x < w2; x++) {
            const want = batch.data[s * SIZE * SIZE + (y + 1) * SIZE + (x + 1)];
            if (want === -9999) continue; // gdaldem's nodata on the DEM's own border
            worst = Math.max(worst, Math.abs(got.data[s * h2 * w2 + y * w2 + x] - want));
            compared++;
          }
        }
      }
    }
    await refGen.close();
    console.log(`against native gdaldem slope: ${compared} pixels, max |ONNX - gdaldem| = ${worst.toExponential(2)}°`);
    if (!(compared > 0 && worst < 1e-3)) {
      console.error('the slopes differ from gdaldem');
      process.exitCode = 1;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
await dem.close();
await terminateEngine();
