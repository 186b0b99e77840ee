/**
 * Valid-data footprints against native gdalwarp -dstalpha and GDAL's polygonize (references by
 * test/reference/footprint.py), in Node, Deno and Chromium; polygonize's topology; valid fractions;
 * `randomGrid(…, { minValid })`; masks from footprints; their errors.
 */
import { assert, test, testEnv } from './lib/harness.js';
import { ArgumentError, CrsError, Footprint, regularGrid, SampleError, SampleSet, SpatialDataGenerator, transformBounds } from '../src/index.js';
import { polygonize, signedArea } from '../src/testing.js';
import caseList from './fixtures/footprint/cases.json' with { type: 'json' };

interface Case {
  name: string;
  file: string;
  crs: string;
  bounds: [number, number, number, number];
  width: number;
  height: number;
  validPixels: number;
  rowSums: number[];
  polygons: { area: number; holes: number; vertices: number }[];
}
const { cases } = caseList as unknown as { cases: Case[] };

async function open(file: string, crs?: string) {
  return SpatialDataGenerator.open(await testEnv().sharedSource(file), crs ? { crs } : {});
}

function ringArea(ring: number[][]): number {
  let a = 0;
  for (let k = 0; k + 1 < ring.length; k++) a += ring[k][0] * ring[k + 1][1] - ring[k + 1][0] * ring[k][1];
  return a / 2;
}

for (const c of cases) {
  test(`footprint: ${c.name} equals native gdalwarp -dstalpha and GDAL's polygonize`, async () => {
    const sdg = await open(c.file, c.crs);
    try {
      const [x0, y0, x1, y1] = c.bounds;
      const fp = await sdg.footprint({ bounds: c.bounds, resolution: [(x1 - x0) / c.width, (y1 - y0) / c.height] });
      assert.deepEqual([fp.width, fp.height], [c.width, c.height], 'grid size');
      assert.equal(fp.crs, c.crs);
      const rows = Array.from({ length: c.height }, (_, r) => fp.valid.subarray(r * c.width, (r + 1) * c.width).reduce((s, v) => s + v, 0));
      assert.deepEqual(rows, c.rowSums, 'valid cells per row');
      assert.equal(fp.validPixels, c.validPixels, 'valid cells');
      const polys = fp
        .polygons()
        .map((p) => ({
          area: ringArea(p[0]) + p.slice(1).reduce((s, h) => s + ringArea(h), 0),
          holes: p.length - 1,
          vertices: p[0].length - 1,
          ext: ringArea(p[0]),
          hole: p.slice(1).map(ringArea),
        }))
        .sort((a, b) => b.area - a.area);
      assert.equal(polys.length, c.polygons.length, 'polygon count');
      polys.forEach((p, i) => {
        const ref = c.polygons[i];
        assert.close(p.area, ref.area, Math.abs(ref.area) * 1e-9, `polygon ${i} area`);
        assert.equal(p.holes, ref.holes, `polygon ${i} holes`);
        assert.equal(p.vertices, ref.vertices, `polygon ${i} exterior vertices`);
        assert.ok(p.ext > 0, `polygon ${i}: exterior counter-clockwise (RFC 7946)`);
        assert.ok(
          p.hole.every((a) => a < 0),
          `polygon ${i}: holes clockwise`,
        );
      });
      const [rx, ry] = fp.resolution;
      assert.close(fp.area, c.validPixels * rx * ry, 1e-9 * fp.area, 'area');
    } finally {
      await sdg.close();
    }
  });
}

test('footprint: the default grid covers the extent in the generator CRS, at most 1024 cells a side', async () => {
  const sdg = await open('elev.tif', 'EPSG:2169');
  try {
    const fp = await sdg.footprint();
    const [sx0, sy0, sx1, sy1] = transformBounds(sdg.bounds, sdg.sourceCrs, 'EPSG:2169');
    const [x0, y0, x1, y1] = fp.bounds;
    assert.ok(x0 <= sx0 && y0 <= sy0 && x1 >= sx1 && y1 >= sy1, `footprint ${fp.bounds} covers the extent ${[sx0, sy0, sx1, sy1]}`);
    assert.ok(fp.width <= 1024 && fp.height <= 1024);
    // elev.tif: 4608 of 8550 source pixels (~0.026 km² each in EPSG:2169) are valid.
    assert.close(fp.area / 1e6, 2566.5, 60, 'valid area in km²');
    const gj = fp.toGeoJSON();
    assert.equal(gj.crs?.properties.name, 'EPSG:2169');
    assert.equal(gj.features[0].properties.validPixels, fp.validPixels);
  } finally {
    await sdg.close();
  }
});

test('footprint: polygonize is 4-connected (diagonal pixels apart), holes go to their polygon, runs merged', () => {
  // Two pixels touching at a corner: two polygons of 4 vertices.
  const diag = polygonize([1, 0, 0, 1], 2, 2);
  assert.equal(diag.length, 2);
  for (const p of diag) assert.deepEqual([p.exterior.length / 2 - 1, p.holes.length, p.pixels], [4, 0, 1]);
  // A ring of 8 pixels around a hole, and a lone pixel inside the hole: two polygons, one hole.
  const donut = polygonize([1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 0, 1, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1], 5, 5);
  assert.equal(donut.length, 2);
  const [ring, island] = donut.sort((a, b) => b.pixels - a.pixels);
  assert.deepEqual([ring.pixels, ring.holes.length, island.pixels, island.holes.length], [16, 1, 1, 0]);
  assert.equal(ring.exterior.length / 2 - 1, 4, 'a 5x5 square: 4 corners, straight runs merged');
  assert.equal(signedArea(ring.exterior) + signedArea(ring.holes[0]), 16);
  // An unset pixel touching the outside only at a corner is a hole (unset areas are 4-connected too, as in GDAL).
  const pinch = polygonize([1, 1, 0, 1, 0, 1, 1, 1, 1], 3, 3);
  assert.equal(pinch.length, 1);
  assert.deepEqual([pinch[0].pixels, pinch[0].holes.length, signedArea(pinch[0].exterior), signedArea(pinch[0].holes[0])], [7, 1, 8, -1]);
  assert.throws(() => polygonize([1, 0], 3, 1), Error, { name: 'ArgumentError', message: /3 x 1/ });
});

test('footprint: fractionOf equals a supersampled count, cells cut by the box counted by area, outside invalid', () => {
  const w = 7;
  const h = 5;
  const valid = Uint8Array.from({ length: w * h }, (_, i) => ((i * 7919) % 5 < 3 ? 1 : 0));
  const fp = new Footprint('EPSG:3857', [100, 200, 170, 250], w, h, valid);
  const brute = (a: number, b: number, c: number, d: number) => {
    let n = 0;
    const k = 400;
    for (let j = 0; j < k; j++)
      for (let i = 0; i < k; i++) {
        const x = a + ((i + 0.5) * (c - a)) / k;
        const y = b + ((j + 0.5) * (d - b)) / k;
        const col = Math.floor((x - 100) / 10);
        const row = Math.floor((250 - y) / 10);
        if (col >= 0 && col < w && row >= 0 && row < h && valid[row * w + col]) n++;
      }
    return n / (k * k);
  };
  const boxes: [number, number, number, number][] = [
    [100, 200, 170, 250],
    [103.3, 207.1, 141.9, 233.3],
    [90, 190, 115, 215],
    [160, 240, 200, 280],
    [300, 300, 310, 310],
    [121.25, 211.5, 121.75, 212],
  ];
  for (const box of boxes) {
    assert.close(fp.fractionOf(...box), brute(...box), 2e-3, `box ${box}`);
  }
  assert.equal(fp.fractionOf(100, 200, 170, 250), fp.validFraction);
  assert.throws(() => new Footprint(null, [0, 0, 1, 1], 2, 2, new Uint8Array(3)), ArgumentError);
});

test('footprint: randomGrid minValid draws only boxes at least that valid, reproducibly', async () => {
  const sdg = await open('elev.tif');
  try {
    const fp = await sdg.footprint({ resolution: sdg.res[0] });
    const [rx, ry] = sdg.res;
    const size = 20 * rx;
    const s = sdg.randomGrid(size, size, 300, { minValid: 0.9, seed: 7 });
    assert.equal(s.length, 300);
    assert.equal(s.crs, sdg.crs);
    // Independent measure: the valid source pixels under each box, counted cell by cell with partial cells by overlap.
    const [bx0, , , by1] = fp.bounds;
    for (let i = 0; i < s.length; i++) {
      const [x0, y0, x1, y1] = s.bounds(i);
      let a = 0;
      for (let r = Math.floor((by1 - y1) / ry); r < Math.ceil((by1 - y0) / ry); r++)
        for (let c = Math.floor((x0 - bx0) / rx); c < Math.ceil((x1 - bx0) / rx); c++) {
          if (!fp.valid[r * fp.width + c]) continue;
          const ox = Math.min(x1, bx0 + (c + 1) * rx) - Math.max(x0, bx0 + c * rx);
          const oy = Math.min(y1, by1 - r * ry) - Math.max(y0, by1 - (r + 1) * ry);
          a += ox * oy;
        }
      assert.ok(a / ((x1 - x0) * (y1 - y0)) >= 0.9 - 1e-9, `box ${i} valid fraction ${a / ((x1 - x0) * (y1 - y0))}`);
    }
    // The pixels GDAL reads for them (validity layer, source resolution) agree.
    const masked = await SpatialDataGenerator.open(await testEnv().sharedSource('elev.tif'), { mask: true });
    try {
      for (let i = 0; i < 20; i++) {
        const sample = await masked.readSample(s, i, 20, 20);
        const layer = Array.from(sample.data.subarray(400) as ArrayLike<number>);
        const frac = layer.filter((v) => v !== 0).length / 400;
        assert.ok(frac >= 0.85, `sample ${i}: ${frac} of its pixels read as valid`);
      }
    } finally {
      await masked.close();
    }
    const again = sdg.randomGrid(size, size, 300, { minValid: 0.9, seed: 7 });
    assert.deepEqual(Array.from(again.minx), Array.from(s.minx), 'same seed, same boxes');
    const other = sdg.randomGrid(size, size, 300, { minValid: 0.9, seed: 8 });
    assert.ok(other.minx[0] !== s.minx[0], 'another seed, other boxes');
    // Without minValid, many boxes of the plain grid fall in the nodata border.
    const plain = sdg.randomGrid(size, size, 300, { seed: 7 });
    const low = Array.from(plain.validFraction(fp)).filter((f) => f < 0.9).length;
    assert.ok(low > 50, `${low} of 300 unfiltered boxes are under 0.9 valid`);
    const frac = s.validFraction(fp);
    assert.ok(
      frac.every((f) => f >= 0.9),
      'validFraction agrees',
    );
  } finally {
    await sdg.close();
  }
});

test('footprint: SampleSet.within/intersects take a footprint or its GeoJSON (crs member read)', async () => {
  const sdg = await open('elev.tif', 'EPSG:2169');
  try {
    const fp = await sdg.footprint({ resolution: 1000 });
    const grid = sdg.regularGrid(3333, 3333);
    const fr = grid.validFraction(fp);
    const within = grid.within(fp);
    const expectWithin = Array.from(fr).filter((f) => f >= 1 - 1e-9).length;
    assert.ok(within.length > 0 && within.length < grid.length);
    assert.equal(within.length, expectWithin, 'within = boxes wholly valid');
    const intersects = grid.intersects(fp);
    assert.equal(intersects.length, Array.from(fr).filter((f) => f > 1e-9).length, 'intersects = boxes with some valid area');
    const gj = JSON.parse(JSON.stringify(fp.toGeoJSON()));
    assert.equal(grid.within(gj).length, within.length, 'GeoJSON with a crs member');
    // The same boxes in EPSG:4326 against the 2169 footprint: measured as their envelopes there.
    const geo = grid.toCrs('EPSG:4326');
    assert.ok(geo.validFraction(fp).every((f, i) => Math.abs(f - fr[i]) < 0.1));
  } finally {
    await sdg.close();
  }
});

test('footprint: errors name the file and the field', async () => {
  const sdg = await open('elev.tif');
  try {
    assert.throws(() => sdg.randomGrid(0.1, 0.1, 10, { minValid: 0.5 }), ArgumentError, { message: /footprint\(\)/ });
    await assert.rejects(sdg.footprint({ resolution: -1 }), ArgumentError, { message: /resolution/ });
    await assert.rejects(sdg.footprint({ resolution: 1e-7 }), ArgumentError, { message: /at most/ });
    await assert.rejects(sdg.footprint({ bounds: [20, 20, 21, 21], resolution: 0.1 }), SampleError, { message: /elev\.tif.*no valid pixel/ });
    const fp = await sdg.footprint({ resolution: 0.05 });
    const t0 = Date.now();
    assert.throws(() => sdg.randomGrid(0.7, 0.7, 10, { minValid: 1 }), SampleError, { message: /best found/ });
    assert.ok(Date.now() - t0 < 60_000);
    assert.throws(() => sdg.randomGrid(0.1, 0.1, 10, { minValid: 1.5 }), ArgumentError, { message: /minValid/ });
    assert.throws(() => sdg.randomGrid(0.1, 0.1, 10, { minValid: 0.5, rng: 'numpy' }), ArgumentError, { message: /rng/ });
    assert.throws(() => regularGrid([0, 0, 1, 1], 1, 1, { crs: 'EPSG:3857' }).validFraction({} as Footprint), ArgumentError);
    sdg.crs = 'EPSG:2169';
    assert.throws(() => sdg.randomGrid(1000, 1000, 10, { minValid: 0.5 }), CrsError, { message: /EPSG:4326/ });
    assert.equal(fp.crs, 'EPSG:4326');
    assert.ok(SampleSet.fromBounds([[6, 49.8, 6.1, 49.9]], 'EPSG:4326').within(fp).length === 1);
  } finally {
    await sdg.close();
  }
});
