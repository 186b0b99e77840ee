// Opens a source, reads a flow, closes the source — and nothing else: no terminateEngine(). The
// process must then exit by itself (test/exit/run.mjs runs it in Node and Deno). It also says how
// much shared memory the remote block store took: none, as no remote file was opened.
import { SpatialDataGenerator } from '../../dist/index.js';
import { sharedStoreBytes } from '../../dist/testing.js';

const sdg = await SpatialDataGenerator.open('../shared/data/elev.tif');
let n = 0;
for await (const b of sdg.flow(sdg.regularGrid(0.2, 0.2), 16, 16, { batchSize: 4 })) n += b.shape[0];
await sdg.close();
console.log(`read ${n} samples, closed the source; shared block store ${sharedStoreBytes()} bytes`);
