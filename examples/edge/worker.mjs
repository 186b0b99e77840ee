// geotensor in an edge runtime (Cloudflare's workerd): no Web Workers and no compiling WebAssembly
// from bytes, so the engine runs in-thread ('inline') with GDAL's module handed in as a compiled
// WebAssembly.Module, and remote COGs are read by byte ranges through the replay bridge.
//
//   GET /?src=https://…/dem.tif&size=64   →  JSON: the source's description and one sample
import { configureEngine, SpatialDataGenerator } from 'geotensor';
import { startInlineEngine } from 'geotensor/inline';
import wasm from './gdal3WebAssembly.wasm'; // a WebAssembly.Module (workerd compiles it at load)
import data from './gdal3WebAssembly.data'; // an ArrayBuffer: PROJ's database and GDAL's data files

let ready = null;

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const src = url.searchParams.get('src');
    const size = Number(url.searchParams.get('size') ?? 64);
    if (!src) return new Response('pass ?src=URL of a GeoTIFF/COG', { status: 400 });
    ready ??= configureEngine({ mode: 'inline', inlineEngine: startInlineEngine, assets: { wasm, data } });
    await ready;
    const t0 = Date.now();
    try {
      const sdg = await SpatialDataGenerator.open(src);
      const [minx, miny, maxx, maxy] = sdg.bounds;
      // One sample: the middle fifth of the raster, and a coarse view of all of it.
      const cx = (minx + maxx) / 2;
      const cy = (miny + maxy) / 2;
      const dx = (maxx - minx) / 10;
      const dy = (maxy - miny) / 10;
      const samples = await sdg.readWindow({ bounds: [cx - dx, cy - dy, cx + dx, cy + dy], width: size, height: size });
      const overview = await sdg.readWindow({ bounds: sdg.bounds, width: size, height: size });
      const sum = (a) => Array.from(a).reduce((s, v) => s + (Number.isFinite(v) ? v : 0), 0);
      // FNV-1a over the bytes: equal hashes = equal pixels.
      const hash = (a) => {
        let h = 0x811c9dc5;
        for (const b of new Uint8Array(a.buffer, a.byteOffset, a.byteLength)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
        return h;
      };
      const body = {
        runtime: navigator.userAgent,
        source: src.replace(/[?#].*$/, ''),
        width: sdg.meta.width,
        height: sdg.meta.height,
        count: sdg.meta.count,
        crs: sdg.sourceCrs,
        sample: { shape: samples.shape, sum: sum(samples.data), hash: hash(samples.data), first: Array.from(samples.data.slice(0, 8)) },
        overview: { shape: overview.shape, sum: sum(overview.data), hash: hash(overview.data) },
        fetched: sdg.sourceStats(),
        ms: Date.now() - t0,
      };
      await sdg.close();
      return Response.json(body);
    } catch (e) {
      return Response.json({ error: e.name, code: e.code, message: e.message }, { status: 502 });
    }
  },
};
