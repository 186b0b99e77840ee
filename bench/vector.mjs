// V1: labels from a 100,000-polygon layer (squares of 80 m every 100 m over 31.6 km, EPSG:31985,
// five classes), 500 random 1280 m boxes rasterized at 128×128 (10 m). geotensor: the layer opened
// as a vector source (copied once into an indexed FlatGeobuf in each worker), a flow of the boxes.
// Native: the TorchGeo VectorDataset way in one process — geopandas' spatial index picks the
// features of a box, rasterio.features.rasterize burns them (bench/baseline.py vector).
import { writeFileSync } from 'node:fs';
import { writeResultsBlock } from './results-block.mjs';

/** Writes the layer as GeoJSON (with a `crs` member) and the boxes as JSON; returns their paths. */
export function makeV1(cache) {
  const features = [];
  const n = 316;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = 290000 + i * 100;
      const y = 9100000 + j * 100;
      features.push({
        type: 'Feature',
        properties: { cls: ((i * 7 + j) % 5) + 1 },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [x, y],
              [x + 80, y],
              [x + 80, y + 80],
              [x, y + 80],
              [x, y],
            ],
          ],
        },
      });
    }
  }
  const layer = `${cache}/v1.geojson`;
  writeFileSync(layer, JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::31985' } }, features }));
  return { layer, count: features.length };
}

export async function v1(lib, layer, engineOptions) {
  await lib.configureEngine(engineOptions);
  const t0 = performance.now();
  const sdg = await lib.SpatialDataGenerator.open(layer, { burn: 'cls', dtype: 'uint8' });
  const samples = sdg.randomGrid(1280, 1280, 500, { seed: 1 });
  for await (const _ of sdg.flow(samples.take(8), 128, 128)); // warm-up: every worker has the layer open
  const openMs = performance.now() - t0;
  const t1 = performance.now();
  let burned = 0;
  for await (const b of sdg.flow(samples, 128, 128, { batchSize: 32 })) for (const v of b.data) burned += v > 0 ? 1 : 0;
  const ms = performance.now() - t1;
  await sdg.close();
  await lib.terminateEngine();
  return { samples: samples.length, samplesPerSecond: (samples.length / ms) * 1000, openMs, burned, boxes: Array.from({ length: samples.length }, (_, i) => samples.bounds(i)) };
}

/** V1 alone (`npm run bench:vector`): runs both sides and writes their rows into bench/RESULTS.md's V1 section. */
async function main() {
  const { execFileSync } = await import('node:child_process');
  const { mkdirSync } = await import('node:fs');
  const os = (await import('node:os')).default;
  const lib = await import('../dist/index.js');
  const cache = 'bench/.cache';
  mkdirSync(cache, { recursive: true });
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  const { layer, count } = makeV1(cache);
  const rv = await v1(lib, layer, { workers: cores });
  writeFileSync(`${cache}/v1-boxes.json`, JSON.stringify(rv.boxes));
  const nv = JSON.parse(execFileSync('/usr/bin/python3', ['bench/baseline.py', 'vector', layer, `${cache}/v1-boxes.json`, '128']).toString());
  const lines = [
    `V1 alone (\`npm run bench:vector\`), ${new Date().toISOString().slice(0, 10)}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, both sides in the same run:`,
    '',
    '| measurement | value | unit | note |',
    '|---|---:|---|---|',
    `| V1 native (geopandas sindex + rasterio.features.rasterize, 500 boxes 128x128) | ${nv.samples_per_s.toFixed(0)} | samples/s | (reading the ${count}-polygon GeoJSON and indexing: ${nv.open_ms.toFixed(0)} ms) |`,
    `| V1 geotensor, Node, ${cores} workers (labels from ${count} polygons) | ${rv.samplesPerSecond.toFixed(0)} | samples/s | (${(rv.samplesPerSecond / nv.samples_per_s).toFixed(2)}x native; open + indexed copy in every worker: ${rv.openMs.toFixed(0)} ms; burned pixels ${rv.burned === nv.burned ? 'equal' : 'differ'}: ${rv.burned} vs ${nv.burned}) |`,
  ].join('\n');
  console.log(lines);
  writeResultsBlock('V1', 'Labels from vectors (V1)', lines);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
