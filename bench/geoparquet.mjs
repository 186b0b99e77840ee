// A million-row sample table as GeoParquet: geotensor writes it and reads it back, and reads the same
// rows written by DuckDB (ZSTD); DuckDB (native C++, npm @duckdb/node-api) reads geotensor's file into
// JavaScript arrays, in the same run. `npm run bench:geoparquet` runs it and updates its block in
// bench/RESULTS.md. (The values are checked by test/geoparquet-duckdb.mjs, not here.)
import { mkdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { DuckDBInstance } from '@duckdb/node-api';
import { readGeoParquet, SampleSet, terminateEngine, toGeoParquet, writeGeoParquet } from '../dist/index.js';
import { writeResultsBlock } from './results-block.mjs';

const N = 1_000_000;
const dir = 'bench/.cache-geoparquet';
mkdirSync(dir, { recursive: true });
const time = async (f) => {
  const t = performance.now();
  const r = await f();
  return [performance.now() - t, r];
};

try {
  let seed = 3;
  const rand = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const b = { minx: new Float64Array(N), miny: new Float64Array(N), maxx: new Float64Array(N), maxy: new Float64Array(N) };
  for (let i = 0; i < N; i++) {
    b.minx[i] = 300000 + rand() * 400000;
    b.miny[i] = 4000000 + rand() * 900000;
    b.maxx[i] = b.minx[i] + 640;
    b.maxy[i] = b.miny[i] + 640;
  }
  const samples = new SampleSet(b, 'EPSG:32616', {
    label: Float64Array.from({ length: N }, () => Math.floor(rand() * 10)),
    split: Array.from({ length: N }, (_, i) => ['train', 'validation', 'test'][i % 3]),
  });
  await toGeoParquet(SampleSet.fromBounds([[0, 0, 1, 1]], 'EPSG:32616')); // the engine and modules loaded
  const file = `${dir}/geotensor.parquet`;
  const [writeMs] = await time(() => writeGeoParquet(samples, file));
  const [readMs] = await time(() => readGeoParquet(file));
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const [duckReadMs] = await time(async () => (await c.runAndReadAll(`select geometry::varchar, bbox, label, split from '${file}'`)).getColumns());
  const duckFile = `${dir}/duckdb.parquet`;
  const [duckWriteMs] = await time(() =>
    c.run(
      `copy (select (i % 3)::INTEGER as label, ('POLYGON((' || x || ' ' || y || ', ' || (x + 640) || ' ' || y || ', ' || (x + 640) || ' ' || (y + 640) || ', ' || x || ' ' || (y + 640) || ', ' || x || ' ' || y || '))')::GEOMETRY as geometry
        from (select i, 300000 + (i % 1000) * 400.5 as x, 4000000 + (i // 1000) * 900.25 as y from range(${N}) t(i))) to '${duckFile}' (format parquet, compression zstd)`,
    ),
  );
  const [readDuckMs] = await time(() => readGeoParquet(duckFile));
  const mb = (f) => (statSync(f).size / 1e6).toFixed(1);
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${cpu}, Node ${process.version}; ${N.toLocaleString('en-US')} boxes with a number and a text column.`,
    '',
    '| step | time | per row | against DuckDB (native, same run) |',
    '|---|---:|---:|---|',
    `| geotensor writes GeoParquet (${mb(file)} MB, SNAPPY) | ${writeMs.toFixed(0)} ms | ${((writeMs * 1000) / N).toFixed(1)} µs | DuckDB writes the same rows from SQL (ZSTD, ${mb(duckFile)} MB): ${duckWriteMs.toFixed(0)} ms |`,
    `| geotensor reads its own file | ${readMs.toFixed(0)} ms | ${((readMs * 1000) / N).toFixed(1)} µs | DuckDB reads it into JavaScript arrays: ${duckReadMs.toFixed(0)} ms (${(readMs / duckReadMs).toFixed(2)}× DuckDB's time) |`,
    `| geotensor reads DuckDB's file (ZSTD) | ${readDuckMs.toFixed(0)} ms | ${((readDuckMs * 1000) / N).toFixed(1)} µs | |`,
    '',
    'Where the time goes: hyparquet (pure JavaScript) decodes and snappy-compresses the pages; the boxes',
    'are one typed buffer of WKB, and each geometry read back is bounds-checked for its envelope. DuckDB',
    'is native code; its time includes making JavaScript values of every row.',
  ].join('\n');
  writeResultsBlock('geoparquet', 'Sample tables in GeoParquet (a million rows)', lines);
  console.log(lines);
} finally {
  await terminateEngine();
  rmSync(dir, { recursive: true, force: true });
}
