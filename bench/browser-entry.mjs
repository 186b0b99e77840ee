// W1 in a Chromium page: the raster is a Blob (read lazily by WORKERFS in the workers).
import * as lib from '../dist/index.js';
import { w1 } from './w1.mjs';
globalThis.runW1 = async (workers) => {
  const blob = await (await fetch('/bench/.cache/w1.tif')).blob();
  return w1(lib, new File([blob], 'w1.tif'), {
    workers,
    workerUrl: '/dist/engine.worker.js',
    assets: { wasm: '/node_modules/gdal3.js/dist/package/gdal3WebAssembly.wasm', data: '/node_modules/gdal3.js/dist/package/gdal3WebAssembly.data' },
  });
};
