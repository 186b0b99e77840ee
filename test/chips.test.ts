/** Chips out (npy, GeoTIFF) and back in (flowFromFiles), in Node, Deno and Chromium. */
import { assert, test, testEnv } from './lib/harness.js';
import {
  ArgumentError,
  attributes,
  CrsError,
  decodeNpy,
  encodeRaster,
  encodeNpy,
  exportChips,
  flowFromFiles,
  openRaster,
  SourceError,
  SpatialDataGenerator,
} from '../src/index.js';

/** Where chips go: a folder in Node and Deno; an in-memory map in the browser. */
function store() {
  const files = new Map<string, Uint8Array>();
  const browser = testEnv().runtime === 'browser';
  return {
    dir: `.test-build/chips-${testEnv().runtime}-${Math.random().toString(36).slice(2, 8)}`,
    io: browser ? { writeFile: async (p: string, b: Uint8Array) => void files.set(p, b.slice()), readFile: async (p: string) => files.get(p)! } : {},
    bytes: async (p: string) => (browser ? files.get(p)! : new Uint8Array(await (await import('node:fs/promises')).readFile(p))),
  };
}

test('npy chips: written once, read back by flowFromFiles as the same batches the flow gives', async () => {
  const sdg = await SpatialDataGenerator.open(await testEnv().sharedSource('L7_ETMs.tif'), { indexes: [1, 2, 3] });
  const samples = sdg.regularGrid(2000, 2000).take(7);
  const s = store();
  let progress = 0;
  const out = await exportChips(sdg, samples, { format: 'npy', dir: s.dir, width: 32, height: 32, progress: (d) => (progress = d), writeFile: s.io.writeFile });
  assert.equal(progress, 7);
  const files = out.column('file') as string[];
  assert.deepEqual(
    files,
    Array.from({ length: 7 }, (_, i) => `${s.dir}/chip_${i}.npy`),
  );
  const npy = await s.bytes(files[0]);
  const header = new TextDecoder().decode(npy.subarray(10, 10 + (npy[8] | (npy[9] << 8))));
  assert.ok(header.startsWith("{'descr': '|u1', 'fortran_order': False, 'shape': (32, 32, 3), }"), header);
  assert.equal((10 + header.length) % 64, 0, 'header aligned to 64 bytes');
  const expected: number[] = [];
  for await (const b of sdg.flow(samples, 32, 32, { batchSize: 4 })) expected.push(...b.data);
  const got: number[] = [];
  const shapes: string[] = [];
  for await (const b of flowFromFiles(out, { batchSize: 4, readFile: s.io.readFile })) {
    got.push(...b.data);
    shapes.push(b.shape.join('x'));
  }
  assert.deepEqual(shapes, ['4x32x32x3', '3x32x32x3']);
  assert.deepEqual(got, expected);
  await sdg.close();
});

test('GeoTIFF chips keep their georeferencing: each opens as a raster on its sample box, with the same pixels', async () => {
  const sdg = await SpatialDataGenerator.open(await testEnv().sharedSource('olinda_dem_utm25s.tif'), { dtype: 'float32', resampling: 'bilinear' });
  const samples = sdg.regularGrid(2500, 2500).take(3).toCrs('EPSG:4326');
  const s = store();
  const out = await exportChips(sdg, samples, { format: 'geotiff', dir: s.dir, width: 24, height: 20, writeFile: s.io.writeFile });
  for (let i = 0; i < 3; i++) {
    const bytes = await s.bytes((out.column('file') as string[])[i]);
    const chip = await openRaster(bytes, { name: `chip_${i}.tif` });
    assert.equal(chip.meta.crs?.epsg, 4326);
    assert.deepEqual([chip.meta.width, chip.meta.height, chip.meta.dtype], [24, 20, 'float32']);
    chip.meta.bounds!.forEach((v, k) => assert.close(v, samples.bounds(i)[k], 1e-9, `bounds[${k}]`));
    const w = await sdg.readWindow({ bounds: samples.bounds(i), crs: 'EPSG:4326', width: 24, height: 20 });
    const c = await chip.readWindow({ bounds: chip.meta.bounds!, width: 24, height: 20 });
    assert.deepEqual(Array.from(c.data), Array.from(w.data));
    await chip.close();
  }
  // COG chips: the same pixels on the same box, as a cloud-optimised GeoTIFF GDAL opens.
  const cog = await exportChips(sdg, samples.take(1), { format: 'cog', dir: `${s.dir}-cog`, width: 24, height: 20, writeFile: s.io.writeFile });
  const cogChip = await openRaster(await s.bytes((cog.column('file') as string[])[0]), { name: 'chip_0.tif' });
  assert.equal(cogChip.meta.driver, 'GTiff');
  const w0 = await sdg.readWindow({ bounds: samples.bounds(0), crs: 'EPSG:4326', width: 24, height: 20 });
  assert.deepEqual(Array.from((await cogChip.readWindow({ bounds: cogChip.meta.bounds!, width: 24, height: 20 })).data), Array.from(w0.data));
  await cogChip.close();
  await sdg.close();
});

test('chips: bad input gets typed errors naming it', async () => {
  const sdg = await SpatialDataGenerator.open(await testEnv().sharedSource('elev.tif'));
  const samples = sdg.regularGrid(0.2, 0.2).take(2);
  await assert.rejects(exportChips(sdg, samples, { format: 'png' as 'npy', dir: 'x', width: 8, height: 8 }), ArgumentError, { input: 'format' });
  assert.throws(() => decodeNpy(new Uint8Array([1, 2, 3]), 'junk.npy'), SourceError, { input: 'junk.npy', code: 'SOURCE_UNREADABLE' });
  // Encoding: a wrong pixel count or options are argument errors, an unusable CRS a CRS error.
  const req = {
    data: new Uint8Array(4),
    width: 2,
    height: 2,
    bands: 1,
    dtype: 'uint8' as const,
    bounds: [0, 0, 2, 2] as const,
    crs: 'EPSG:3857',
    nodata: null,
    format: 'GTiff' as const,
  };
  await assert.rejects(encodeRaster({ ...req, data: new Uint8Array(3) }), ArgumentError, { input: 'data' });
  await assert.rejects(encodeRaster({ ...req, crs: 'not a crs' }), CrsError, { input: 'crs' });
  assert.equal((await encodeRaster(req)).subarray(0, 2).join(), '73,73', 'a valid request still writes a (little-endian) TIFF');
  const a = encodeNpy(new Float32Array(4), [2, 2]);
  const b = encodeNpy(new Float32Array(6), [2, 3]);
  const files = new Map([
    ['a.npy', a],
    ['b.npy', b],
  ]);
  const e = await assert.rejects(async () => {
    for await (const _ of flowFromFiles(['a.npy', 'b.npy'], { readFile: async (p) => files.get(p)! }));
  }, SourceError);
  assert.ok(/b\.npy: is float32 \[2,3\], but a\.npy is float32 \[2,2\]/.test(e.message), e.message);
  assert.throws(() => flowFromFiles([]), ArgumentError, { input: 'files' });
  if (testEnv().runtime === 'browser') await assert.rejects(exportChips(sdg, samples, { format: 'npy', dir: 'x', width: 8, height: 8 }), ArgumentError, { input: 'writeFile' });
  await sdg.close();
});

test("interleave 'band' survives exportChips → flowFromFiles → attributes: bands stay bands", async () => {
  const sdg = await SpatialDataGenerator.open(await testEnv().sharedSource('L7_ETMs.tif'), { indexes: [1, 2, 3], interleave: 'band' });
  const samples = sdg.regularGrid(2000, 2000).take(5);
  const s = store();
  const out = await exportChips(sdg, samples, { format: 'npy', dir: s.dir, width: 16, height: 16, writeFile: s.io.writeFile });
  assert.deepEqual(Array.from(new Set(out.column('layout') as string[])), ['band'], 'the written set records the layout');
  const direct = await attributes(sdg, samples, { width: 16, height: 16, stats: ['min', 'max', 'mean'] });
  const batches: { layout: string; shape: number[] }[] = [];
  const viaFiles = await attributes(
    (async function* () {
      for await (const b of flowFromFiles(out, { batchSize: 2, readFile: s.io.readFile })) {
        batches.push({ layout: b.layout, shape: b.shape });
        yield b;
      }
    })(),
    samples,
    { stats: ['min', 'max', 'mean'] },
  );
  assert.deepEqual(batches[0], { layout: 'band', shape: [2, 3, 16, 16] });
  for (const col of ['min_b1', 'max_b1', 'mean_b1', 'min_b2', 'max_b2', 'mean_b3']) {
    assert.deepEqual(Array.from(viaFiles.column(col) as Float64Array), Array.from(direct.column(col) as Float64Array), col);
  }
  // The bands differ on this scene, so reading bands as rows would not give these columns.
  assert.ok((direct.column('mean_b1') as Float64Array)[0] !== (direct.column('mean_b3') as Float64Array)[0]);
  // A list of paths has no layout column: the interleave option says it.
  const files = out.column('file') as string[];
  const [first] = await (async () => {
    const got = [];
    for await (const b of flowFromFiles(files, { batchSize: 5, interleave: 'band', readFile: s.io.readFile })) got.push(b);
    return got;
  })();
  assert.equal(first.layout, 'band');
  await assert.rejects(async () => flowFromFiles(files, { interleave: 'planar' as never }), ArgumentError, { input: 'interleave' });
  // attributes over batches: not an iterable, or batches naming rows the sample set does not have.
  await assert.rejects(attributes(42 as never, samples, {}), ArgumentError, { input: 'source' });
  await assert.rejects(attributes(flowFromFiles(files, { batchSize: 5, interleave: 'band', readFile: s.io.readFile }), samples.take(2), {}), ArgumentError, {
    input: 'batch.indices',
  });
  await sdg.close();
});

test('exportChips into a folder: an empty one is required, overwrite replaces only an earlier export, manifest.json comes last', async () => {
  const { scratchDir } = await import('./lib/files.js');
  const d = await scratchDir('export');
  const sdg = await SpatialDataGenerator.open(await testEnv().sharedSource('elev.tif'));
  const grid = sdg.regularGrid(0.1, 0.1);
  await exportChips(sdg, grid.take(5), { format: 'npy', dir: d.path('out'), width: 8, height: 8 });
  assert.deepEqual(await d.list('out'), ['chip_0.npy', 'chip_1.npy', 'chip_2.npy', 'chip_3.npy', 'chip_4.npy', 'manifest.json']);
  const m = JSON.parse(new TextDecoder().decode(await d.read('out/manifest.json')));
  assert.deepEqual([m.format, m.width, m.height, m.count, m.layout, m.files], ['npy', 8, 8, 5, 'pixel', ['chip_0.npy', 'chip_1.npy', 'chip_2.npy', 'chip_3.npy', 'chip_4.npy']]);
  await assert.rejects(exportChips(sdg, grid.take(2), { format: 'npy', dir: d.path('out'), width: 8, height: 8 }), ArgumentError, { input: 'dir', message: /overwrite/ });
  await exportChips(sdg, grid.take(2), { format: 'geotiff', dir: d.path('out'), width: 8, height: 8, overwrite: true });
  assert.deepEqual(await d.list('out'), ['chip_0.tif', 'chip_1.tif', 'manifest.json'], 'the earlier chips are gone, the new ones and a new manifest are there');
  await d.write('out/notes.txt', 'mine');
  await assert.rejects(exportChips(sdg, grid.take(1), { format: 'npy', dir: d.path('out'), width: 8, height: 8, overwrite: true }), ArgumentError, {
    input: 'dir',
    message: /notes\.txt/,
  });
  assert.deepEqual(await d.list('out'), ['chip_0.tif', 'chip_1.tif', 'manifest.json', 'notes.txt'], 'nothing removed or written');
  await d.write('file', 'x');
  await assert.rejects(exportChips(sdg, grid.take(1), { format: 'npy', dir: d.path('file/sub'), width: 8, height: 8 }), ArgumentError, { input: 'dir' });
  await sdg.close();
}, ['node', 'deno']);

test('a process killed (SIGKILL) while exporting GeoTIFF chips leaves only complete chips and no manifest', async () => {
  const { spawn } = await import('node:child_process');
  const { scratchDir } = await import('./lib/files.js');
  const d = await scratchDir('killed');
  const dir = d.abs('out');
  const script = `import('${new URL('../dist/index.js', `file://${process.cwd()}/test/`).href}').then(async (g) => {
    const sdg = await g.SpatialDataGenerator.open('../shared/data/L7_ETMs.tif');
    await g.exportChips(sdg, sdg.regularGrid(1500, 1500), { format: 'geotiff', dir: ${JSON.stringify(dir)}, width: 700, height: 700, creationOptions: ['COMPRESS=NONE'] });
  });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
  const exited = new Promise((ok) => child.once('exit', ok));
  // Kill it once the first chip is complete (event-driven: no time limit that a loaded machine could miss).
  for (let i = 0; i < 6000; i++) {
    const names = await d.list('out').catch(() => [] as string[]);
    if (names.some((n) => n.endsWith('.tif'))) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill('SIGKILL');
  await exited;
  const names = await d.list('out');
  const chips = names.filter((n) => n.endsWith('.tif'));
  assert.ok(chips.length >= 1, `chips written before the kill: ${names.join(' ')}`);
  assert.ok(!names.includes('manifest.json'), 'no manifest for an unfinished export');
  for (const n of chips) {
    const r = await openRaster(d.path(`out/${n}`));
    const w = await r.readWindow({ bounds: r.meta.bounds!, width: 700, height: 700 });
    assert.equal(w.data.length, 700 * 700 * 6, `${n} is whole`);
    await r.close();
  }
}, ['node']);

test("chips written by Keras Spatial's flow_to_numpy (arr_<i>.npy, [1, bands, h, w]) come out of flowFromFiles as 4-D 'band' batches", async () => {
  const names = await testEnv().fixtureJson<string[]>('ks-chips/files.json');
  const files = new Map<string, Uint8Array>();
  for (const n of names) files.set(n, await testEnv().fixtureBytes(`ks-chips/${n}`));
  const batches = [];
  for await (const b of flowFromFiles(names, { batchSize: 2, interleave: 'band', readFile: async (p) => files.get(p)! })) batches.push(b);
  assert.deepEqual(
    batches.map((b) => [b.shape, b.layout]),
    [
      [[2, 3, 8, 8], 'band'],
      [[1, 3, 8, 8], 'band'],
    ],
  );
  const first = decodeNpy(files.get(names[0])!);
  assert.deepEqual(first.shape, [1, 3, 8, 8], "Keras Spatial's own shape");
  assert.deepEqual(Array.from(batches[0].data.subarray(0, 192)), Array.from(first.data), 'the same values, in the same order');
});
