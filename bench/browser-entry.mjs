// W1 in a Chromium page: the raster is a Blob (read lazily by WORKERFS in the workers).
import * as lib from '../dist/index.js';
import { w1, w1remote } from './w1.mjs';
globalThis.runW1 = async (workers) => {
  const blob = await (await fetch('/bench/.cache/w1.tif')).blob();
  return w1(lib, new File([blob], 'w1.tif'), {
    workers,
    workerUrl: '/dist/engine.worker.js',
    assets: { wasm: '/node_modules/gdal3.js/dist/package/gdal3WebAssembly.wasm', data: '/node_modules/gdal3.js/dist/package/gdal3WebAssembly.data' },
  });
};
// W1 remote in a cross-origin-isolated page (bench/remote.mjs): the COG from the range server (another origin, CORS).
globalThis.runW1Remote = async (url, workers) => {
  const warm = new File([await (await fetch('/shared/elev.tif')).blob()], 'elev.tif');
  return w1remote(
    lib,
    url,
    {
      workers,
      workerUrl: '/dist/engine.worker.js',
      assets: { wasm: '/node_modules/gdal3.js/dist/package/gdal3WebAssembly.wasm', data: '/node_modules/gdal3.js/dist/package/gdal3WebAssembly.data' },
    },
    {},
    warm,
  );
};
