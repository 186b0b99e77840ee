/** Runs the test files in Node: rasters by path, fixtures from disk. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { run, setEnv } from '../lib/harness.js';

const root = process.cwd();
setEnv({
  runtime: 'node',
  sharedSource: async (name) => `../shared/data/${name}`,
  fixtureSource: async (rel) => `test/fixtures/${rel}`,
  fixtureBytes: async (rel) => new Uint8Array(await readFile(resolve(root, 'test/fixtures', rel))),
  fixtureJson: async (rel) => JSON.parse(await readFile(resolve(root, 'test/fixtures', rel), 'utf8')),
  sharedPath: (name) => `../shared/data/${name}`,
  remoteBase: process.env.GEOTENSOR_TEST_REMOTE ?? '',
  sharedBytes: async (name) => new Uint8Array(await readFile(resolve(root, '../shared/data', name))),
});
await import('../all.js');
// A GDAL of the test's own in this thread: Node's test bundle alone holds GDAL's glue.
await import('../area-of-interest-gdal.test.js');
const { terminateEngine } = await import('../../src/index.js');
const r = await run(console.log, process.env.TEST_FILTER);
await terminateEngine();
process.exitCode = r.failed ? 1 : 0;
