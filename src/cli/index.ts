/**
 * The `geotensor` command: `info`, `grid` and `extract` over any source geotensor opens (paths,
 * URLs, mosaics). Built on commander; a progress bar (cli-progress) on a terminal, progress lines on
 * stderr otherwise. Exit codes: 0 done, 1 the input could not be used (a GeotensorError, named), 2 usage.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { GeotensorError } from '../core/errors.js';
import { currentRuntime } from '../runtime/index.js';
import { SpatialDataGenerator, type GeneratorOptions } from '../generator/spatial-data-generator.js';
import { readSamples, readVector } from '../io/vector.js';
import { exportChips } from '../chips/chips.js';
import { terminateEngine } from '../engine/pool.js';
import type { SampleSet } from '../samples/sample-set.js';

const num =
  (name: string, integer = false) =>
  (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) throw new InvalidArgumentError(`${name}: expected ${integer ? 'an integer' : 'a number'}, got "${v}"`);
    return n;
  };
/** Overlap as a fraction (0.25) or, as Keras Spatial's CLI takes it, a percent (25%); anything else is a usage error. */
const overlapArg = (v: string): number => {
  const m = /^\s*([0-9.]+)\s*(%?)\s*$/.exec(v);
  const n = m ? Number(m[1]) / (m[2] ? 100 : 1) : Number.NaN;
  if (!(n >= 0 && n < 1)) throw new InvalidArgumentError(`--overlap: expected a fraction from 0 to < 1 (0.25) or a percent (25%), got "${v}"`);
  return n;
};
const pair =
  (name: string) =>
  (v: string, prev: number[] = []) => [...prev, num(name)(v)];
const _sources = (v: string, prev: string[] = []) => [...prev, v];

function progress(label: string, total: number): { tick(done: number): void; stop(): void } {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {value}/{total} {eta_formatted}`, stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return { tick: (d) => bar.update(d), stop: () => bar.stop() };
  }
  let last = -1;
  return {
    tick(d) {
      const pct = Math.floor((100 * d) / total);
      if (pct >= last + 10 || d === total) {
        last = pct;
        process.stderr.write(`${label}: ${d}/${total}\n`);
      }
    },
    stop() {},
  };
}

function geojsonWithCrs(samples: SampleSet): unknown {
  const fc = samples.toGeoJSON();
  const crs = samples.crs;
  const m = crs ? /^EPSG:(\d+)$/i.exec(crs) : null;
  return { ...fc, crs: crs ? { type: 'name', properties: { name: m ? `urn:ogc:def:crs:EPSG::${m[1]}` : crs } } : undefined };
}

/** One source, or several files read as one mosaic. */
function open(source: string[], options: GeneratorOptions = {}) {
  return SpatialDataGenerator.open(source.length === 1 ? source[0] : source, options);
}

export function program(): Command {
  const p = new Command('geotensor')
    .description('Georeferenced rasters to fixed-size samples: inspect a source, make sample grids, extract chips.')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();

  p.command('info')
    .description('describe a raster (a path, an http(s) URL, or several files as one mosaic)')
    .argument('<source...>', 'raster file(s) or URL(s)')
    .option('--json', 'print the whole description as JSON')
    .action(async (source: string[], o: { json?: boolean }) => {
      const sdg = await open(source, {});
      const m = sdg.meta;
      if (o.json) console.log(JSON.stringify({ ...m, crs: m.crs ? { epsg: m.crs.epsg, wkt: m.crs.wkt } : null }, null, 2));
      else {
        console.log(sdg.source);
        console.log(`  driver ${m.driver}, ${m.width} x ${m.height} pixels, ${m.count} band(s) of ${m.dtypes.join(', ')}, nodata ${m.nodata}`);
        console.log(`  CRS ${m.crs?.epsg ? `EPSG:${m.crs.epsg}` : m.crs ? 'WKT without EPSG code' : 'none'}; bounds ${m.bounds?.join(', ')}; pixel ${m.res?.join(' x ')}`);
        if (m.blockSize) console.log(`  blocks ${m.blockSize.join(' x ')}${m.parts ? `; a mosaic of ${m.parts.length} files` : ''}`);
      }
      await sdg.close();
    });

  p.command('grid')
    .description('make a regular (or random) grid of sample boxes over a raster and write it as GeoJSON')
    .argument('<source...>', 'raster file(s) or URL(s)')
    .requiredOption('--size <w h...>', 'sample width and height (in CRS units, or pixels with --pixels)', pair('size'))
    .option('--pixels', 'sizes are in source pixels')
    .option('--overlap <fraction>', 'overlap of neighbouring boxes: a fraction from 0 to < 1 (0.25) or a percent (25%)', overlapArg, 0)
    .option('--random <count>', 'a random grid of this many boxes instead', num('random', true))
    .option('--seed <seed>', 'seed of the random grid', '0')
    .option('--mask <file>', 'keep the boxes that intersect these polygons (GeoJSON or shapefile)')
    .option('--crs <crs>', "CRS of the grid (default: the source's)")
    .requiredOption('-o, --output <file>', 'GeoJSON file to write')
    .action(async (source: string[], o: { size: number[]; pixels?: boolean; overlap: number; random?: number; seed: string; mask?: string; crs?: string; output: string }) => {
      if (o.size.length !== 2) throw new InvalidArgumentError(`--size: expected two numbers (width height), got ${o.size.length}`);
      const sdg = await open(source, { crs: o.crs });
      const units = o.pixels ? 'pixels' : 'native';
      let samples =
        o.random !== undefined ? sdg.randomGrid(o.size[0], o.size[1], o.random, { units, seed: o.seed }) : sdg.regularGrid(o.size[0], o.size[1], { units, overlap: o.overlap });
      const made = samples.length;
      if (o.mask) {
        const v = await readVector(o.mask);
        samples = samples.intersects(v.geojson, { crs: v.crs });
      }
      await currentRuntime().writeFile(o.output, new TextEncoder().encode(JSON.stringify(geojsonWithCrs(samples))), '--output');
      console.log(`${o.output}: ${samples.length} samples${o.mask ? ` (of ${made}; ${made - samples.length} outside ${o.mask})` : ''} in ${samples.crs}`);
      await sdg.close();
    });

  p.command('extract')
    .description('write one chip per sample box (npy or GeoTIFF)')
    .argument('<source...>', 'raster file(s) or URL(s)')
    .requiredOption('--samples <file>', 'sample boxes (GeoJSON or shapefile, e.g. from `geotensor grid`)')
    .requiredOption('--size <w h...>', 'chip width and height in pixels', pair('size'))
    .option('--format <format>', 'npy or geotiff', 'npy')
    .option('--resampling <method>', 'any gdalwarp resampling', 'nearest')
    .option('--bands <band...>', 'band numbers (default: all)')
    .requiredOption('-o, --output <dir>', 'folder to write the chips to (empty or new, or see --overwrite)')
    .option('--overwrite', 'replace an earlier export in the folder (its files not written again are removed; other files are never removed)')
    .action(async (source: string[], o: { samples: string; size: number[]; format: string; resampling: string; bands?: string[]; output: string; overwrite?: boolean }) => {
      if (o.size.length !== 2 || !o.size.every((v) => Number.isInteger(v) && v > 0)) throw new InvalidArgumentError('--size: expected two positive integers (width height)');
      if (o.format !== 'npy' && o.format !== 'geotiff') throw new InvalidArgumentError(`--format: expected npy or geotiff, got "${o.format}"`);
      const samples = await readSamples(o.samples);
      const sdg = await open(source, { resampling: o.resampling as never, indexes: o.bands?.map(Number) });
      const bar = progress(`extract ${o.format}`, samples.length);
      try {
        const out = await exportChips(sdg, samples, {
          format: o.format,
          dir: o.output,
          overwrite: o.overwrite,
          width: o.size[0],
          height: o.size[1],
          onProgress: (d) => bar.tick(d),
        });
        bar.stop();
        // File names relative to samples.geojson (readSamples resolves them against its folder).
        const dir = o.output.replace(/[\\/]+$/, '');
        const names = (out.column('file') as (string | null)[]).map((f) => (f === null ? null : f.slice(dir.length + 1)));
        await currentRuntime().writeFile(`${dir}/samples.geojson`, new TextEncoder().encode(JSON.stringify(geojsonWithCrs(out.withColumn('file', names as never)))), '--output');
        console.log(`${o.output}: ${out.length} ${o.format} chips of ${o.size[0]}x${o.size[1]}, and samples.geojson with their file names`);
      } finally {
        bar.stop();
        await sdg.close();
      }
    });
  return p;
}

export async function main(argv = process.argv): Promise<number> {
  try {
    await program().parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof InvalidArgumentError && !e.message.startsWith('error:')) {
      process.stderr.write(`error: ${e.message}\n`); // thrown by an action: commander has not printed it
      return 2;
    }
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof GeotensorError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 1;
    }
    // Not a geotensor error (a bug, or a runtime failure): the message, and the stack only on request.
    const debug = Boolean(process.env.GEOTENSOR_DEBUG);
    process.stderr.write(`error: ${debug ? ((e as Error)?.stack ?? e) : `${(e as Error)?.message ?? e} (unexpected; GEOTENSOR_DEBUG=1 shows where)`}\n`);
    return 1;
  } finally {
    await terminateEngine();
  }
}

process.exitCode = await main();
