// The package as users get it: `npm pack`, then a fresh project that installs the tarball. Checks
// what the tarball holds, its types with arethetypeswrong, an ESM and a CommonJS import in Node, a
// Deno import that exits by itself, TypeScript consumers (ESM and CommonJS, node16, no DOM lib,
// skipLibCheck off), error names in a minified bundle, and that no ML framework is installed or loaded
// by the core. Prints what it measured (tarball, install size, import time) and
// "package: N passed, N failed".
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checks } from '../lib/checks.mjs';

const root = process.cwd();
const work = resolve('.test-build/package');
const elev = resolve('../shared/data/elev.tif');
rmSync(work, { recursive: true, force: true });
mkdirSync(`${work}/consumer`, { recursive: true });
const { check, end } = checks('package');
const run = (cmd, args, cwd = `${work}/consumer`, env = {}) => spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 300_000 });
const duSize = (dir) => {
  let n = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) n += statSync(p).size;
    }
  };
  if (existsSync(dir)) walk(dir);
  return n;
};

// 1. The tarball.
const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { encoding: 'utf8' }))[0];
const tarball = `${work}/${packed.filename}`;
const files = packed.files.map((f) => f.path);
const must = [
  'LICENSE',
  'THIRD-PARTY-NOTICES.md',
  'README.md',
  'dist/index.js',
  'dist/index.cjs',
  'dist/index.d.ts',
  'dist/index.d.cts',
  'dist/tf.js',
  'dist/engine.worker.js',
  'dist/engine.inline.d.ts',
  'dist/cli.js',
];
const missing = must.filter((f) => !files.includes(f));
const unwanted = files.filter((f) => /\.map$|^src\/|^wasm\/|^test\/|^dist\/testing\.(js|cjs|d\.ts|d\.cts)$/.test(f));
check(
  `the tarball holds the licenses, the entries and their types, and no sources, maps or test entries (${files.length} files, ${(packed.size / 1024).toFixed(0)} KB)`,
  missing.length === 0 && unwanted.length === 0,
  `missing ${missing} unwanted ${unwanted}`,
);

// 2. Types: arethetypeswrong (node16 from ESM and CJS, bundler; the worker and inline subpaths are ESM-only by design).
const attw = run(join(root, 'node_modules/.bin/attw'), [tarball, '--profile', 'node16', '--ignore-rules', 'cjs-resolves-to-esm'], root);
check('arethetypeswrong finds no problem (node16 ESM and CommonJS, bundler)', attw.status === 0, attw.stdout + attw.stderr);

// 3. A fresh project installs it (without tfjs: an optional peer dependency).
writeFileSync(`${work}/consumer/package.json`, JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
const install = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball, '@types/node@20', 'typescript@5']);
check('npm install of the tarball', install.status === 0, install.stderr);
const nm = `${work}/consumer/node_modules`;
const installMB = duSize(nm) / 2 ** 20;
check(
  `no ML framework installed with the core (node_modules ${installMB.toFixed(0)} MB, typescript and @types/node included)`,
  !existsSync(`${nm}/@tensorflow`),
  readdirSync(nm).join(' '),
);

// 4. Node: ESM and CommonJS, reading a window.
writeFileSync(
  `${work}/consumer/esm.mjs`,
  `const t0 = performance.now();\nconst g = await import('geotensor');\nconst ms = performance.now() - t0;\nconst r = await g.openRaster(${JSON.stringify(elev)});\nconst w = await r.readWindow({ bounds: r.meta.bounds, width: 19, height: 18 });\nawait r.close();\nconsole.log(JSON.stringify({ n: w.data.length, ms, tf: Object.keys(globalThis).some((k) => /^tf/.test(k)) }));\n`,
);
const esm = run('node', ['esm.mjs']);
let esmOut = null;
try {
  esmOut = JSON.parse(esm.stdout.trim().split('\n').pop());
} catch {}
check('Node ESM: import, open, read a window, exit by itself', esm.status === 0 && esmOut?.n === 19 * 18, esm.stdout + esm.stderr);
writeFileSync(
  `${work}/consumer/cjs.cjs`,
  `const g = require('geotensor');\n(async () => {\n  const r = await g.openRaster(${JSON.stringify(elev)});\n  const w = await r.readWindow({ bounds: r.meta.bounds, width: 19, height: 18 });\n  await r.close();\n  console.log(w.data.length);\n})();\n`,
);
const cjs = run('node', ['cjs.cjs']);
check('Node CommonJS: require, open, read a window, exit by itself', cjs.status === 0 && cjs.stdout.trim() === String(19 * 18), cjs.stdout + cjs.stderr);

// 5. Deno, from the project's node_modules.
const deno = run(join(root, 'node_modules/.bin/deno'), ['run', '--allow-read', '--allow-env', '--allow-sys', 'esm.mjs']);
check('Deno: import from node_modules, read a window, exit by itself', deno.status === 0 && /"n":342/.test(deno.stdout), deno.stdout + deno.stderr);

// 6. TypeScript consumers: ESM (.mts) and CommonJS (.cts), node16, no DOM lib, skipLibCheck off.
writeFileSync(
  `${work}/consumer/a.mts`,
  `import { openRaster, SourceError, type Bounds } from 'geotensor';\nimport { startInlineEngine } from 'geotensor/inline';\nconst b: Bounds = [0, 0, 1, 1];\nexport const f = async () => (await openRaster('x.tif')).readWindow({ bounds: b, width: 1, height: 1 });\nexport const e = new SourceError('SOURCE_NOT_FOUND', 'x');\nexport const s = startInlineEngine;\n`,
);
writeFileSync(`${work}/consumer/b.cts`, `import g = require('geotensor');\nexport const r: Promise<g.Raster> = g.openRaster('x.tif');\n`);
writeFileSync(
  `${work}/consumer/tsconfig.json`,
  JSON.stringify({
    compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'es2022', lib: ['es2022'], types: ['node'], strict: true, skipLibCheck: false, noEmit: true },
    files: ['a.mts', 'b.cts'],
  }),
);
const tsc = run('node', [`${nm}/typescript/bin/tsc`, '-p', '.']);
check('TypeScript consumers (ESM and CommonJS, node16, lib es2022 without DOM, skipLibCheck off) type-check', tsc.status === 0, tsc.stdout + tsc.stderr);

// 7. A minified bundle keeps the error names (what users match on, and what crosses the worker boundary).
writeFileSync(
  `${work}/consumer/names.mjs`,
  `import { openRaster, SourceError } from 'geotensor';\nopenRaster('/nonexistent/x.tif').catch((e) => console.log(e.name, e instanceof SourceError, e.code));\n`,
);
const { build } = await import(join(root, 'node_modules/esbuild/lib/main.js'));
await build({
  entryPoints: [`${work}/consumer/names.mjs`],
  bundle: true,
  minify: true,
  platform: 'node',
  format: 'cjs',
  outfile: `${work}/consumer/names.min.cjs`,
  absWorkingDir: `${work}/consumer`,
  logLevel: 'error',
});
const names = run('node', ['names.min.cjs']);
check('error names survive minification', names.stdout.trim() === 'SourceError true SOURCE_NOT_FOUND', names.stdout + names.stderr);

console.log(
  `\npackage: tarball ${(packed.size / 1024).toFixed(0)} KB (${(packed.unpackedSize / 1024).toFixed(0)} KB unpacked), install ${installMB.toFixed(0)} MB, Node import ${esmOut ? esmOut.ms.toFixed(0) : '?'} ms`,
);
end();
