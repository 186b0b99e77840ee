// A million-row sample set as GeoParquet, checked by an independent reader: DuckDB (npm
// @duckdb/node-api, its own C++ Parquet reader and GEOMETRY type). geotensor writes 1,000,000 boxes
// with a float column (NaNs among them), a text column (nulls among them) and their CRS; DuckDB reads
// every row back to the same coordinates (its WKT of each geometry and the bbox covering), the same
// attributes and the CRS (the EPSG code in the PROJJSON of its GEOMETRY type); geotensor reads its own
// file back identically. Then DuckDB writes a million-row GeoParquet and geotensor reads it to DuckDB's
// values. Run by `npm test` (step "geoparquet") after the build.
import { mkdirSync, rmSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { readGeoParquet, SampleSet, terminateEngine, writeGeoParquet } from '../dist/index.js';

const N = Number(process.env.GEOPARQUET_N ?? 1_000_000);
const dir = 'test/.cache/geoparquet';
mkdirSync(dir, { recursive: true });
let passed = 0;
let failed = 0;
const check = (name, ok, detail = '') => {
  console.log(`${ok ? 'ok' : 'not ok'} - ${name}${detail ? ` (${detail})` : ''}`);
  if (ok) passed++;
  else failed++;
};
const same = (a, b) => a === b || (Number.isNaN(a) && Number.isNaN(b));
const firstDiff = (n, f) => {
  for (let i = 0; i < n; i++) if (!f(i)) return i;
  return -1;
};
/** [minx, miny, maxx, maxy] of a WKT POLYGON or MULTIPOLYGON as DuckDB prints it. */
const envelope = (wkt) => {
  const nums = wkt.match(/-?[\d.]+(?:e[-+]?\d+)?/gi).map(Number);
  const e = [Infinity, Infinity, -Infinity, -Infinity];
  for (let k = 0; k < nums.length; k += 2) {
    e[0] = Math.min(e[0], nums[k]);
    e[1] = Math.min(e[1], nums[k + 1]);
    e[2] = Math.max(e[2], nums[k]);
    e[3] = Math.max(e[3], nums[k + 1]);
  }
  return e;
};

try {
  // 1. geotensor writes; DuckDB and geotensor read.
  let seed = 7;
  const rand = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const minx = new Float64Array(N);
  const miny = new Float64Array(N);
  const maxx = new Float64Array(N);
  const maxy = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    minx[i] = 300000 + rand() * 400000;
    miny[i] = 4000000 + rand() * 900000;
    maxx[i] = minx[i] + 64 + rand() * 1000;
    maxy[i] = miny[i] + 64 + rand() * 1000;
  }
  const label = Float64Array.from({ length: N }, (_, i) => (i % 97 === 0 ? Number.NaN : Math.floor(rand() * 10)));
  const split = Array.from({ length: N }, (_, i) => (i % 89 === 0 ? null : ['train', 'validation', 'test'][i % 3]));
  const samples = new SampleSet({ minx, miny, maxx, maxy }, 'EPSG:32616', { label, split });
  const file = `${dir}/million.parquet`;
  let t = performance.now();
  await writeGeoParquet(samples, file);
  const writeMs = performance.now() - t;

  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  t = performance.now();
  const r = await c.runAndReadAll(`select geometry::varchar, bbox.xmin, bbox.ymin, bbox.xmax, bbox.ymax, label, split from '${file}'`);
  const duckMs = performance.now() - t;
  const [wkt, bx0, by0, bx1, by1, dl, ds] = r.getColumns();
  check('DuckDB reads every row', wkt.length === N, `${wkt.length} rows`);
  let bad = firstDiff(N, (i) => {
    const e = envelope(wkt[i]);
    return e[0] === minx[i] && e[1] === miny[i] && e[2] === maxx[i] && e[3] === maxy[i];
  });
  check('DuckDB: every geometry is its box, coordinate for coordinate', bad < 0, bad < 0 ? '' : `row ${bad}: ${wkt[bad]}`);
  bad = firstDiff(N, (i) => bx0[i] === minx[i] && by0[i] === miny[i] && bx1[i] === maxx[i] && by1[i] === maxy[i]);
  check('DuckDB: the bbox covering equals the boxes', bad < 0, bad < 0 ? '' : `row ${bad}`);
  bad = firstDiff(N, (i) => (dl[i] === null ? Number.isNaN(label[i]) : dl[i] === label[i]));
  check('DuckDB: the float column, NaN as null', bad < 0, bad < 0 ? '' : `row ${bad}: ${dl[bad]} vs ${label[bad]}`);
  bad = firstDiff(N, (i) => ds[i] === split[i]);
  check('DuckDB: the text column, with its nulls', bad < 0, bad < 0 ? '' : `row ${bad}`);
  const type = String((await c.runAndReadAll(`select typeof(geometry) from '${file}' limit 1`)).getRows()[0][0]);
  check('DuckDB: the GEOMETRY type carries the CRS as PROJJSON with EPSG 32616', /"authority":"EPSG","code":32616\}\}?'\)$/.test(type), type.slice(-60));
  const geo = JSON.parse(String((await c.runAndReadAll(`select decode(value) from parquet_kv_metadata('${file}') where decode(key) = 'geo'`)).getRows()[0][0]));
  check(
    'DuckDB: the geo metadata says GeoParquet 1.1.0, WKB polygons',
    geo.version === '1.1.0' && geo.columns.geometry.encoding === 'WKB' && geo.columns.geometry.geometry_types[0] === 'Polygon',
  );

  t = performance.now();
  const back = await readGeoParquet(file);
  const readMs = performance.now() - t;
  bad = firstDiff(N, (i) => back.minx[i] === minx[i] && back.miny[i] === miny[i] && back.maxx[i] === maxx[i] && back.maxy[i] === maxy[i]);
  check('geotensor reads its own file back: boxes', back.length === N && bad < 0, bad < 0 ? '' : `row ${bad}`);
  const bl = back.column('label');
  const bs = back.column('split');
  bad = firstDiff(N, (i) => same(bl[i], label[i]) && bs[i] === split[i]);
  check('geotensor reads its own file back: columns and CRS', back.crs === 'EPSG:32616' && bad < 0, `${back.crs}${bad < 0 ? '' : `, row ${bad}`}`);

  // 2. DuckDB writes; geotensor reads.
  const duckFile = `${dir}/million-duckdb.parquet`;
  await c.run(
    `copy (select i::BIGINT as id, (i % 7)::INTEGER as cls, i % 5 = 0 as flag, ('POLYGON((' || x || ' ' || y || ', ' || (x + 0.75) || ' ' || y || ', ' || (x + 0.75) || ' ' || (y + 0.5) || ', ' || x || ' ' || (y + 0.5) || ', ' || x || ' ' || y || '))')::GEOMETRY as geometry
      from (select i, (i % 3600) / 10.0 - 180 as x, (i // 3600) % 1800 / 10.0 - 90 as y from range(${N}) t(i))) to '${duckFile}' (format parquet, compression zstd)`,
  );
  const d = (await c.runAndReadAll(`select geometry::varchar, id, cls, flag from '${duckFile}'`)).getColumns();
  t = performance.now();
  const fromDuck = await readGeoParquet(duckFile);
  const readDuckMs = performance.now() - t;
  const [fid, fcls, fflag] = ['id', 'cls', 'flag'].map((k) => fromDuck.column(k));
  bad = firstDiff(N, (i) => {
    const e = envelope(d[0][i]);
    return fromDuck.minx[i] === e[0] && fromDuck.miny[i] === e[1] && fromDuck.maxx[i] === e[2] && fromDuck.maxy[i] === e[3];
  });
  check("geotensor reads DuckDB's million rows: boxes equal DuckDB's geometries", fromDuck.length === N && bad < 0, bad < 0 ? '' : `row ${bad}: ${d[0][bad]}`);
  bad = firstDiff(N, (i) => fid[i] === Number(d[1][i]) && fcls[i] === d[2][i] && fflag[i] === (d[3][i] ? 1 : 0));
  check("geotensor reads DuckDB's million rows: columns and CRS", fromDuck.crs === 'EPSG:4326' && bad < 0, `${fromDuck.crs}${bad < 0 ? '' : `, row ${bad}`}`);
  console.log(
    `# ${N.toLocaleString('en-US')} rows: geotensor writes in ${writeMs.toFixed(0)} ms, reads its file in ${readMs.toFixed(0)} ms and DuckDB's (ZSTD) in ${readDuckMs.toFixed(0)} ms; DuckDB reads geotensor's in ${duckMs.toFixed(0)} ms`,
  );
} catch (e) {
  check('the run', false, e.stack);
} finally {
  await terminateEngine();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`geoparquet: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
