// The W1 workload, runtime-neutral: regularGrid(5000, 5000) over the W1 DEM, 128x128 float32 bilinear,
// batch 32, best of three full passes after a warm-up pass (the native baseline does the same: one
// untimed pass, then the best of three). A process's first passes are slower while V8 compiles GDAL's
// hot WebAssembly functions with its optimizing compiler; these rows measure the steady rate. Used by bench/run.mjs in Node, Deno and Chromium.
export async function w1(lib, source, engineOptions) {
  await lib.configureEngine(engineOptions);
  const sdg = await lib.SpatialDataGenerator.open(source, { resampling: 'bilinear' });
  const samples = sdg.regularGrid(5000, 5000);
  const workers = lib.defaultEngine().size;
  for await (const _ of sdg.flow(samples, 128, 128, { batchSize: 32 })); // warm-up pass: workers started, datasets open
  const best = await bestOfThree(sdg, samples, 128);
  await sdg.close();
  await lib.terminateEngine();
  return { samples: samples.length, workers, samplesPerSecond: (samples.length / best) * 1000 };
}

/** W1-R: the label raster (EPSG:26916, 10 m) read through the W1 boxes (EPSG:3443): reprojection, nearest. */
export async function w1r(lib, w1Source, labelSource, engineOptions) {
  await lib.configureEngine(engineOptions);
  const dem = await lib.SpatialDataGenerator.open(w1Source);
  const samples = dem.regularGrid(5000, 5000);
  const lab = await lib.SpatialDataGenerator.open(labelSource);
  for await (const _ of lab.flow(samples, 128, 128, { batchSize: 32 })); // warm-up pass
  const best = await bestOfThree(lab, samples, 128);
  await dem.close();
  await lab.close();
  await lib.terminateEngine();
  return { samples: samples.length, samplesPerSecond: (samples.length / best) * 1000 };
}

/** W2: randomGrid of 10,000 samples of 64 pixels, read at 64x64 with nearest, one pass. */
export async function w2(lib, source, engineOptions) {
  await lib.configureEngine(engineOptions);
  const sdg = await lib.SpatialDataGenerator.open(source);
  const samples = sdg.randomGrid(64, 64, 10000, { units: 'pixels', seed: 1 });
  for await (const _ of sdg.flow(samples.take(8), 64, 64)); // warm-up
  const t0 = performance.now();
  for await (const _ of sdg.flow(samples, 64, 64, { batchSize: 32 }));
  const ms = performance.now() - t0;
  await sdg.close();
  await lib.terminateEngine();
  return { samples: samples.length, samplesPerSecond: (samples.length / ms) * 1000 };
}

/** Milliseconds of the fastest of three full passes of a flow (batch 32). */
async function bestOfThree(sdg, samples, size) {
  let best = Infinity;
  for (let pass = 0; pass < 3; pass++) {
    const t0 = performance.now();
    for await (const _ of sdg.flow(samples, size, size, { batchSize: 32 }));
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** W1 from a remote COG (one cold pass: empty cache), with the bytes fetched. */
/** Configures the default engine and, given a local file `warm`, starts every worker with a flow over it (so a pass times reads, not start-up). */
export async function startWorkers(lib, engineOptions, warm = null) {
  await lib.configureEngine(engineOptions);
  if (!warm) return;
  const w = await lib.SpatialDataGenerator.open(warm);
  for await (const _ of w.flow(w.randomGrid(0.05, 0.05, 32), 16, 16, { batchSize: 16 }));
  await w.close();
}

export async function w1remote(lib, url, engineOptions, remote = {}, warm = null) {
  await startWorkers(lib, engineOptions, warm);
  const sdg = await lib.SpatialDataGenerator.open(url, { resampling: 'bilinear', remote });
  const samples = sdg.regularGrid(5000, 5000);
  const t0 = performance.now();
  for await (const _ of sdg.flow(samples, 128, 128, { batchSize: 32 }));
  const ms = performance.now() - t0;
  const stats = sdg.sourceStats();
  await sdg.close();
  await lib.terminateEngine();
  return { samples: samples.length, samplesPerSecond: (samples.length / ms) * 1000, ...stats };
}

/** Any source through given boxes (in `crs`) at size×size with `resampling`: best of three passes after a warm-up pass. */
export async function boxes(lib, source, list, crs, size, resampling, engineOptions) {
  await lib.configureEngine(engineOptions);
  const sdg = await lib.SpatialDataGenerator.open(source, { resampling });
  const samples = lib.SampleSet.fromBounds(list, crs);
  for await (const _ of sdg.flow(samples, size, size, { batchSize: 32 })); // warm-up pass
  const best = await bestOfThree(sdg, samples, size);
  await sdg.close();
  await lib.terminateEngine();
  return { samples: samples.length, samplesPerSecond: (samples.length / best) * 1000 };
}
