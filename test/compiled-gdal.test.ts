/**
 * GDAL's module compiled once per process or page (runtime/compiled-gdal.ts): the package's own
 * workers are handed the host's compiled module in Node, Deno and pages, pool after pool; a module the
 * user names is loaded by the worker as before; the pixels are the same either way.
 */
import { assert, test, testEnv } from './lib/harness.js';
import { workerStats } from '../src/testing.js';
import { EnginePool, openRaster } from '../src/index.js';

const WINDOW = { bounds: [-10.12, 51.86, -9.84, 52.07] as [number, number, number, number], crs: 'EPSG:4326', width: 48, height: 40, resampling: 'bilinear' as const };

/** The package's own worker and module, whatever configureEngine gave as defaults (the browser runner names both). */
const PACKAGE = { workerUrl: undefined, assets: undefined };

async function readWith(engine: EnginePool): Promise<{ data: ArrayLike<number>; given: boolean[] }> {
  const r = await openRaster(await testEnv().sharedSource('elev.tif'), { engine });
  const w = await r.readWindow(WINDOW);
  const given = (await workerStats(engine)).map((s) => s.compiledGiven);
  await r.close();
  return { data: w.data, given };
}

test("the package's own workers share the module the host compiled, in every pool of the process or page", async () => {
  const first = new EnginePool({ ...PACKAGE, workers: 2 });
  const a = await readWith(first);
  await first.terminate();
  const second = new EnginePool({ ...PACKAGE, workers: 1 });
  const b = await readWith(second);
  await second.terminate();
  assert.ok(a.given.length >= 1 && a.given.every((g) => g), `every worker of the first pool started: ${a.given}`);
  assert.deepEqual(b.given, [true], 'the worker of a pool started after the first ended');
  assert.ok(a.data.length === 48 * 40 && Array.from(a.data).some((v) => v !== 0), 'a window of elevations');
  assert.deepEqual(Array.from(b.data), Array.from(a.data), 'the same pixels');
});

test('a module the user names (assets.wasm) is loaded and compiled by the worker, with the same pixels', async () => {
  const own = new EnginePool({ ...PACKAGE, workers: 1, assets: { wasm: testEnv().runtime === 'browser' ? '/dist/gdal3WebAssembly.wasm' : 'dist/gdal3WebAssembly.wasm' } });
  const pkg = new EnginePool({ ...PACKAGE, workers: 1 });
  try {
    const o = await readWith(own);
    const p = await readWith(pkg);
    assert.deepEqual(o.given, [false], "the user's module, compiled in the worker");
    assert.deepEqual(p.given, [true], "the package's, compiled once by the host");
    assert.deepEqual(Array.from(o.data), Array.from(p.data), 'the same pixels');
  } finally {
    await own.terminate();
    await pkg.terminate();
  }
});
