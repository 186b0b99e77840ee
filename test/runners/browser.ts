/** Runs the test files in a browser page: rasters as Blobs fetched from the test server. */
import { run, setEnv } from '../lib/harness.js';
import { configureEngine, terminateEngine } from '../../src/index.js';

async function get(url: string): Promise<Response> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`GET ${url}: ${r.status}`);
  return r;
}

declare global {
  interface Window {
    __testsDone?: { passed: number; failed: number };
  }
}

(async () => {
  await configureEngine({
    workerUrl: '/dist/engine.worker.js',
    inlineUrl: '/dist/engine.inline.js',
    assets: { wasm: '/node_modules/gdal3.js/dist/package/gdal3WebAssembly.wasm', data: '/node_modules/gdal3.js/dist/package/gdal3WebAssembly.data' },
  });
  setEnv({
    runtime: 'browser',
    sharedSource: async (name) => new File([await (await get(`/shared/${name}`)).blob()], name),
    fixtureSource: async (rel) => new File([await (await get(`/test/fixtures/${rel}`)).blob()], rel.split('/').pop()!),
    fixtureBytes: async (rel) => new Uint8Array(await (await get(`/test/fixtures/${rel}`)).arrayBuffer()),
    fixtureJson: async (rel) => (await get(`/test/fixtures/${rel}`)).json(),
    sharedPath: (name) => `/shared/${name}`,
    remoteBase: new URLSearchParams(location.search).get('remote') ?? '',
    sharedBytes: async (name) => new Uint8Array(await (await get(`/shared/${name}`)).arrayBuffer()),
  });
  await import('../all.js');
  const filter = new URLSearchParams(location.search).get('filter') ?? undefined;
  const r = await run((line) => console.log(line), filter);
  await terminateEngine();
  window.__testsDone = { passed: r.passed, failed: r.failed };
})().catch((e) => {
  console.log(`not ok - browser runner crashed: ${e?.stack ?? e}`);
  window.__testsDone = { passed: 0, failed: 1 };
});
