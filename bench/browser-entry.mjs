// W1 in a Chromium page: the raster is a Blob (read lazily by WORKERFS in the workers). The package's own
// worker and GDAL files sit beside this bundle, as a bundler places them (bench/browser-page.mjs), so the
// page compiles GDAL once and shares it with its workers, as users' pages do.
import * as lib from '../dist/index.js';
import { w1, w1remote } from './w1.mjs';
globalThis.runW1 = async (workers) => {
  const blob = await (await fetch('/bench/.cache/w1.tif')).blob();
  return w1(lib, new File([blob], 'w1.tif'), { workers });
};
// W1 remote in a cross-origin-isolated page (bench/remote.mjs): the COG from the range server (another origin, CORS).
globalThis.runW1Remote = async (url, workers) => {
  const warm = new File([await (await fetch('/shared/elev.tif')).blob()], 'elev.tif');
  return w1remote(lib, url, { workers }, {}, warm);
};
