/**
 * A page that is NOT cross-origin isolated (no COOP/COEP, as most pages are): there is no
 * SharedArrayBuffer, so the engine must choose the replay bridge by itself and still read remote
 * COGs exactly. Run by test/runners/browser-nonisolated.mjs.
 */
import { configureEngine, defaultEngine, openRaster, terminateEngine } from '../../src/index.js';

declare global {
  interface Window {
    __nonisolated?: { checks: [string, boolean, string][] };
  }
}

(async () => {
  const remote = new URLSearchParams(location.search).get('remote')!;
  const checks: [string, boolean, string][] = [];
  await configureEngine({
    workerUrl: '/dist/engine.worker.js',
    assets: { wasm: '/node_modules/gdal3.js/dist/package/gdal3WebAssembly.wasm', data: '/node_modules/gdal3.js/dist/package/gdal3WebAssembly.data' },
  });
  checks.push(['the page is not cross-origin isolated', crossOriginIsolated === false && typeof SharedArrayBuffer === 'undefined', `crossOriginIsolated ${crossOriginIsolated}`]);
  checks.push(['the engine chose the replay bridge by itself', defaultEngine().blocking === false, '']);
  const r = await openRaster(`${remote}/ok/L7_ETMs.tif`);
  const local = await openRaster(new File([await (await fetch('/shared/L7_ETMs.tif')).blob()], 'L7_ETMs.tif'));
  const box = { bounds: [290000, 9112000, 296000, 9118000] as [number, number, number, number], width: 64, height: 64, resampling: 'bilinear' as const };
  const [a, b] = [await r.readWindow(box), await local.readWindow(box)];
  let diff = 0;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) diff++;
  checks.push([
    'a remote COG read through replay equals the local file',
    diff === 0 && a.data.length === 64 * 64 * 6,
    `${diff} differing of ${a.data.length}; ${r.sourceStats()!.bytesFetched} bytes fetched`,
  ]);
  await r.close();
  await local.close();
  await terminateEngine();
  window.__nonisolated = { checks };
})().catch((e) => {
  window.__nonisolated = { checks: [['the page ran', false, `${e?.name}: ${e?.message}`]] };
});
