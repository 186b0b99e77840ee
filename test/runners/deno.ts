/** Runs the test files in Deno: rasters by path, fixtures from disk. */
import { run, setEnv } from '../lib/harness.js';

declare const Deno: { readFile(p: string): Promise<Uint8Array>; readTextFile(p: string): Promise<string>; env: { get(k: string): string | undefined }; exit(code: number): never };

setEnv({
  runtime: 'deno',
  sharedSource: async (name) => `../shared/data/${name}`,
  fixtureSource: async (rel) => `test/fixtures/${rel}`,
  fixtureBytes: (rel) => Deno.readFile(`test/fixtures/${rel}`),
  fixtureJson: async (rel) => JSON.parse(await Deno.readTextFile(`test/fixtures/${rel}`)),
  sharedPath: (name) => `../shared/data/${name}`,
  remoteBase: Deno.env.get('GEOTENSOR_TEST_REMOTE') ?? '',
  sharedBytes: (name) => Deno.readFile(`../shared/data/${name}`),
});
await import('../all.js');
const { terminateEngine } = await import('../../src/index.js');
const r = await run(console.log, Deno.env.get('TEST_FILTER'));
await terminateEngine();
Deno.exit(r.failed ? 1 : 0);
