/** Shared by the STAC tests: native gdalwarp's pixels from test/fixtures/stac/reference, and counting differences. */
import { openRaster } from '../../src/index.js';
import { testEnv } from './harness.js';

/** The pixels of stac/reference/NAME.tif (made by test/reference/stac.py), read whole. */
export async function stacReference(name: string): Promise<Uint8Array> {
  const r = await openRaster(await testEnv().fixtureSource(`stac/reference/${name}.tif`));
  const w = await r.readWindow({ bounds: r.meta.bounds!, width: r.meta.width, height: r.meta.height });
  await r.close();
  return w.data as Uint8Array;
}

/** Values that differ between a and b (-1 when their lengths differ). */
export function differing(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return a.length === b.length ? n : -1;
}
