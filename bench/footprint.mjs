// The cost of `randomGrid(…, { minValid })`: 10,000 boxes of 10×10 source pixels at least 90 % valid
// in elev.tif (Luxembourg's DEM, about half nodata), against plain randomGrid of the same count and
// against the shapely way (bench/baseline.py minvalid), in the same run. `npm run bench` runs it;
// `npm run bench:footprint` runs it alone and updates its block in bench/RESULTS.md.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { writeResultsBlock } from './results-block.mjs';

const FILE = '../shared/data/elev.tif';
const COUNT = 10_000;
const MIN_VALID = 0.9;

export async function minValidBench(lib) {
  const sdg = await lib.SpatialDataGenerator.open(FILE);
  try {
    const size = 10 * sdg.res[0];
    const t0 = performance.now();
    const fp = await sdg.footprint({ resolution: sdg.res[0] });
    const footprintMs = performance.now() - t0;
    // Best of 5 (the first includes JIT warm-up).
    let plainMs = Infinity;
    let validMs = Infinity;
    let boxes;
    for (let k = 0; k < 5; k++) {
      const t1 = performance.now();
      sdg.randomGrid(size, size, COUNT, { seed: k });
      plainMs = Math.min(plainMs, performance.now() - t1);
      const t2 = performance.now();
      boxes = sdg.randomGrid(size, size, COUNT, { seed: k, minValid: MIN_VALID });
      validMs = Math.min(validMs, performance.now() - t2);
    }
    const worst = Math.min(...boxes.validFraction(fp));
    const native = JSON.parse(execFileSync('/usr/bin/python3', ['bench/baseline.py', 'minvalid', FILE, String(size), String(COUNT), String(MIN_VALID)]).toString());
    return { footprintMs, plainMs, validMs, worst, native, cells: fp.width * fp.height, validFraction: fp.validFraction };
  } finally {
    await sdg.close();
  }
}

export function minValidRows(r) {
  return [
    [
      `minValid sampling, shapely (prepared footprint, intersection area per box), ${COUNT.toLocaleString('en')} boxes`,
      r.native.sampling_ms,
      'ms',
      `(${r.native.tried} drawn; polygonizing the mask: ${r.native.footprint_ms.toFixed(0)} ms)`,
    ],
    [
      `randomGrid minValid ${MIN_VALID}, ${COUNT.toLocaleString('en')} boxes (elev.tif, ${(100 * r.validFraction).toFixed(0)} % valid)`,
      r.validMs,
      'ms',
      `(${(r.native.sampling_ms / r.validMs).toFixed(0)}x shapely; ${(r.validMs / r.plainMs).toFixed(1)}x plain randomGrid's ${r.plainMs.toFixed(1)} ms; footprint ${r.cells} cells through GDAL: ${r.footprintMs.toFixed(0)} ms; least valid box ${r.worst.toFixed(3)})`,
    ],
  ];
}

async function main() {
  const lib = await import('../dist/index.js');
  const r = await minValidBench(lib);
  const lines = [
    `minValid alone (\`npm run bench:footprint\`), ${new Date().toISOString().slice(0, 10)}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, both sides in the same run:`,
    '',
    '| measurement | value | unit | note |',
    '|---|---:|---|---|',
    ...minValidRows(r).map(([name, value, unit, note]) => `| ${name} | ${value < 10 ? value.toFixed(2) : value.toFixed(0)} | ${unit} | ${note} |`),
  ].join('\n');
  console.log(lines);
  writeResultsBlock('minValid', 'Sampling where the data is (minValid)', lines);
  await lib.terminateEngine?.();
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
