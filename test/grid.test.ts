/** Grids against Keras Spatial's formula computed with numpy on the real extents (test/reference/grids.py). */
import { assert, test } from './lib/harness.js';
import { ArgumentError, linspace, randomGrid, regularGrid, SpatialDataGenerator } from '../src/index.js';
import grids from './fixtures/grids/regular.json' with { type: 'json' };
import { testEnv } from './lib/harness.js';

interface GridCase {
  file: string;
  width: number;
  height: number;
  units: 'native' | 'pixels';
  overlap: number;
  bounds: [number, number, number, number];
  count: number;
  boxes: [number, number, number, number][];
}

const generators = new Map<string, Promise<SpatialDataGenerator>>();
function sdg(file: string) {
  let p = generators.get(file);
  if (!p) {
    p = testEnv()
      .sharedSource(file)
      .then((s) => SpatialDataGenerator.open(s));
    generators.set(file, p);
  }
  return p;
}

for (const c of (grids as unknown as { cases: GridCase[] }).cases) {
  test(`regularGrid ${c.file} ${c.width}x${c.height} ${c.units} overlap ${c.overlap}: ${c.count} samples as numpy gives them`, async () => {
    const g = await sdg(c.file);
    assert.deepEqual(Array.from(g.bounds), c.bounds, 'source bounds as rasterio reports them');
    const s = g.regularGrid(c.width, c.height, { units: c.units, overlap: c.overlap });
    assert.equal(s.length, c.count, 'count');
    assert.equal(s.crs, g.crs, "the grid is in the generator's CRS");
    for (let i = 0; i < c.count; i++) assert.deepEqual(Array.from(s.bounds(i)), c.boxes[i], `box ${i}`);
    if (c.units === 'native') {
      const t = regularGrid(c.bounds, c.width, c.height, { overlap: c.overlap });
      assert.deepEqual(Array.from(t.minx), Array.from(s.minx), 'function form equals the generator shortcut');
    }
  });
}

test("linspace is numpy's (first at start, last exactly at stop)", () => {
  const a = linspace(0.1, 0.7, 7);
  assert.equal(a[0], 0.1);
  assert.equal(a[6], 0.7);
  assert.equal(a[3], 3 * ((0.7 - 0.1) / 6) + 0.1);
  assert.deepEqual(Array.from(linspace(5, 9, 1)), [5]);
});

test('grid rows go from the bottom up, x fastest; first and last samples touch the edges', () => {
  const s = regularGrid([0, 0, 100, 50], 30, 20);
  assert.equal(s.length, 3 * 2);
  assert.deepEqual(Array.from(s.bounds(0)), [0, 0, 30, 20]);
  assert.deepEqual(Array.from(s.bounds(1)), [35, 0, 65, 20]);
  assert.deepEqual(Array.from(s.bounds(2)), [70, 0, 100, 20]);
  assert.deepEqual(Array.from(s.bounds(5)), [70, 30, 100, 50]);
});

test('a sample larger than the extent gives one sample at the min corner', () => {
  const s = regularGrid([0, 0, 10, 10], 25, 40);
  assert.equal(s.length, 1);
  assert.deepEqual(Array.from(s.bounds(0)), [0, 0, 25, 40]);
});

test('randomGrid: count boxes fully inside the extent, the same for a seed, different for another', () => {
  const e = [801795, 1375600, 899715, 1460735];
  const a = randomGrid(e, 5000, 5000, 500, { seed: 7, crs: 'EPSG:3443' });
  const b = randomGrid(e, 5000, 5000, 500, { seed: 7 });
  const c = randomGrid(e, 5000, 5000, 500, { seed: 8 });
  assert.equal(a.length, 500);
  assert.equal(a.crs, 'EPSG:3443');
  assert.deepEqual(Array.from(a.minx), Array.from(b.minx), 'same seed, same boxes');
  assert.ok(
    Array.from(a.minx).some((v, i) => v !== c.minx[i]),
    'another seed, other boxes',
  );
  for (let i = 0; i < a.length; i++) {
    const [x0, y0, x1, y1] = a.bounds(i);
    assert.ok(x0 >= e[0] && y0 >= e[1] && x1 <= e[2] && y1 <= e[3], `box ${i} inside`);
    assert.close(x1 - x0, 5000, 1e-6);
    assert.close(y1 - y0, 5000, 1e-6);
  }
  // spread over the extent, not clumped: every quarter of the x range gets samples
  const q = [0, 0, 0, 0];
  for (const x of a.minx) q[Math.min(3, Math.floor(((x - e[0]) / (e[2] - e[0] - 5000)) * 4))]++;
  assert.ok(
    q.every((n) => n > 80),
    `quarters ${q}`,
  );
});

test('bad grid arguments are ArgumentErrors naming the argument', async () => {
  const bad: [() => unknown, string][] = [
    [() => regularGrid([0, 0, 10], 1, 1), 'bounds'],
    [() => regularGrid([0, 0, 10, 10], 0, 1), 'width'],
    [() => regularGrid([0, 0, 10, 10], 1, -1), 'height'],
    [() => regularGrid([0, 0, 10, 10], 1, 1, { overlap: 1 }), 'overlap'],
    [() => regularGrid([0, 0, 10, 10], 1, 1, { overlap: -0.1 }), 'overlap'],
    [() => randomGrid([0, 0, 10, 10], 20, 1, 5), 'width/height'],
    [() => randomGrid([0, 0, 10, 10], 1, 1, 2.5), 'count'],
  ];
  for (const [f, input] of bad) assert.throws(f, ArgumentError, { input });
  const g = await sdg('elev.tif');
  let err: unknown;
  try {
    g.regularGrid(10, 10, { units: 'metres' as never });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof ArgumentError && err.input === 'units', String(err));
});

test("randomGrid with rng 'numpy' gives Keras Spatial's random_grid after np.random.seed(n), bit for bit", async () => {
  const cases =
    await testEnv().fixtureJson<{ file: string; width: number; height: number; count: number; seed: number; units: 'native' | 'pixels'; boxes: number[][] }[]>(
      'grids/ks-random.json',
    );
  for (const c of cases) {
    const sdg = await SpatialDataGenerator.open(await testEnv().sharedSource(c.file));
    const got = sdg.randomGrid(c.width, c.height, c.count, { units: c.units, seed: c.seed, rng: 'numpy' });
    assert.deepEqual(
      Array.from({ length: got.length }, (_, i) => got.bounds(i)),
      c.boxes,
      `${c.file} seed ${c.seed}`,
    );
    await sdg.close();
  }
  assert.throws(() => randomGrid([0, 0, 10, 10], 1, 1, 3, { rng: 'numpy', seed: 'abc' }), ArgumentError, { input: 'seed' });
  assert.throws(() => randomGrid([0, 0, 10, 10], 1, 1, 3, { rng: 'python' as never }), ArgumentError, { input: 'rng' });
});
