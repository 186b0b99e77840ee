// The layering rules of DEVELOPERS.md, checked on the import graph of src/ and wasm/ (npm test runs
// this): imports point down the layers, never up or sideways between folders of one layer; wasm/
// reaches only the ground floor and the engine protocol; src/ never imports wasm/; no cycle except
// inside src/samples/; no node: import and no runtime probe outside the runtime adapters.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

// Lower numbers are lower layers. The first matching prefix wins.
const LAYERS = [
  ['src/core/', 0, 'ground floor'],
  ['src/engine/protocol.ts', 1, 'engine protocol'],
  ['src/grid/', 1, 'grids'],
  ['src/crs/', 1, 'CRS'],
  ['src/runtime/', 2, 'runtime adapters'],
  ['src/samples/', 2, 'sample sets'],
  ['wasm/', 2, 'engine, WebAssembly side'],
  ['src/remote/', 3, 'remote bytes'],
  ['src/engine/', 4, 'engine, host side'],
  ['src/io/', 5, 'vector input'],
  ['src/stac/', 5, 'STAC catalogs'],
  ['src/generator/', 6, 'generator'],
  ['src/chips/', 7, 'outputs'],
  ['src/preview/', 7, 'previews'],
  ['src/tf/', 7, 'tf adapter'],
  ['src/cli/', 8, 'command line'],
  ['src/index.ts', 8, 'public entry'],
  ['src/tf.ts', 8, 'tf entry'],
  ['src/testing.ts', 8, 'test-only entry'],
];
const layerOf = (f) => LAYERS.find(([p]) => f === p || f.startsWith(p)) ?? null;
const folderOf = (f) => layerOf(f)?.[0];

const files = [];
const walk = (d) => {
  for (const e of readdirSync(d)) {
    const p = join(d, e);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.ts$/.test(p) && !/\.d\.ts$/.test(p)) files.push(p);
  }
};
walk('src');
walk('wasm');

const problems = [];
const edges = new Map();
const importRe = /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g;
for (const f of files) {
  const text = readFileSync(f, 'utf8');
  const out = new Set();
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2];
    if (spec.startsWith('node:')) {
      if (!/^src\/runtime\/|^wasm\/runtime\.ts$/.test(f)) problems.push(`${f}: imports ${spec} (only the runtime adapters may)`);
      continue;
    }
    if (!spec.startsWith('.')) continue;
    const target = normalize(join(dirname(f), spec.replace(/\.js$/, '.ts')));
    out.add(target);
    if (!layerOf(f)) problems.push(`${f}: in no layer (add it to test/layers.mjs)`);
    const [, rf, nf] = layerOf(f) ?? [];
    const [, rt, nt] = layerOf(target) ?? [];
    if (f.startsWith('src/') && target.startsWith('wasm/')) problems.push(`${f}: imports ${target} (src/ reaches the worker only through the protocol and the built entries)`);
    else if (f.startsWith('wasm/') && !target.startsWith('wasm/') && !target.startsWith('src/core/') && target !== 'src/engine/protocol.ts')
      problems.push(`${f}: imports ${target} (wasm/ may import only src/core/ and src/engine/protocol.ts)`);
    else if (rt > rf) problems.push(`${f} (${nf}) imports ${target} (${nt}): an import up the layers`);
    else if (rt === rf && folderOf(f) !== folderOf(target)) problems.push(`${f} (${nf}) imports ${target} (${nt}): sideways between folders of one layer`);
  }
  edges.set(f, out);
  const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
  if (!/^src\/runtime\/|^src\/core\/runtime-kind\.ts$|^wasm\/runtime\.ts$|^src\/cli\//.test(f) && /typeof (Deno|process)\b|globalThis as \{[^}]*\b(Deno|process)\??:/.test(code)) {
    problems.push(`${f}: probes the runtime (Deno/process): ask src/runtime or src/core/runtime-kind.ts`);
  }
}

// Cycles (Tarjan's strongly connected components).
let index = 0;
const idx = new Map();
const low = new Map();
const stack = [];
const on = new Set();
const sccs = [];
const visit = (v) => {
  idx.set(v, index);
  low.set(v, index++);
  stack.push(v);
  on.add(v);
  for (const w of edges.get(v) ?? []) {
    if (!edges.has(w)) continue;
    if (!idx.has(w)) {
      visit(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const c = [];
    let w;
    do {
      w = stack.pop();
      on.delete(w);
      c.push(w);
    } while (w !== v);
    if (c.length > 1) sccs.push(c);
  }
};
for (const f of edges.keys()) if (!idx.has(f)) visit(f);
for (const c of sccs) if (!c.every((f) => f.startsWith('src/samples/'))) problems.push(`import cycle: ${c.join(' → ')}`);

const n = [...edges.values()].reduce((a, s) => a + s.size, 0);
for (const p of problems) console.log(`not ok - ${p}`);
if (!problems.length)
  console.log(`ok - ${files.length} files, ${n} imports: every import points down the layers, no cycle outside src/samples/, no runtime probe outside the adapters`);
console.log(`layers: ${problems.length ? 0 : 1} passed, ${problems.length ? 1 : 0} failed`);
process.exit(problems.length ? 1 : 0);
