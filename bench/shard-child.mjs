// One data-parallel trainer of bench/shard.mjs: its shard of the boxes, one engine worker, its own
// caches. Prints "ready" once its engine runs and the source is open, flows its shard when the
// parent writes "go", then prints {samples, ms}. Args: URL COUNT INDEX SAMPLES.
import * as lib from '../dist/index.js';
import { startWorkers } from './w1.mjs';

const [url, count, index, total] = process.argv.slice(2);
await startWorkers(lib, { workers: 1 }, '../shared/data/elev.tif'); // the worker started, as a trainer's is
const sdg = await lib.SpatialDataGenerator.open(url, { resampling: 'bilinear' });
const all = sdg.randomGrid(128, 128, Number(total), { units: 'pixels', seed: 5 });
const mine = all.shard(Number(count), Number(index));
console.log('ready');
await new Promise((r) => process.stdin.once('data', r));
const t0 = performance.now();
let n = 0;
for await (const b of sdg.flow(mine, 128, 128, { batchSize: 32 })) n += b.indices.length;
console.log(JSON.stringify({ samples: n, ms: performance.now() - t0 }));
await sdg.close();
await lib.terminateEngine();
