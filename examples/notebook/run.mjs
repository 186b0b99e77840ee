// Executes examples/notebook/keras-spatial-dem.ipynb headlessly with Deno's Jupyter kernel (Debian's
// python3-jupyter-client through execute.py; kernel spec from `deno jupyter --install`) and checks that every
// cell ran and the pictures are there. `--in-place` writes the executed copy (with its outputs) over
// the notebook, as committed; otherwise it goes to .test-build/.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const inPlace = process.argv.includes('--in-place');
const nb = 'examples/notebook/keras-spatial-dem.ipynb';
const out = inPlace ? resolve(nb) : resolve('.test-build/keras-spatial-dem.executed.ipynb');
mkdirSync('.test-build', { recursive: true });
if (spawnSync('/usr/bin/python3', ['-c', 'import jupyter_client']).status !== 0) {
  console.log('not ok - notebook: jupyter_client is missing (Debian: apt-get install -y python3-jupyter-client)');
  console.log('notebook: 0 passed, 1 failed');
  process.exit(1);
}
const install = spawnSync(resolve('node_modules/.bin/deno'), ['jupyter', '--install', '--force'], { encoding: 'utf8' });
if (install.status !== 0) throw new Error(`deno jupyter --install failed: ${install.stderr}`);
const t0 = Date.now();
const r = spawnSync('/usr/bin/python3', ['examples/notebook/execute.py', nb, out, 'deno'], { encoding: 'utf8' });
const checks = [];
checks.push([
  'every cell ran without an error',
  r.status === 0,
  r.status === 0
    ? ''
    : r.stderr
        .split('\n')
        .filter((l) => /Error|error/.test(l))
        .slice(-6)
        .join('\n'),
]);
if (r.status === 0) {
  const done = JSON.parse(readFileSync(out, 'utf8'));
  const code = done.cells.filter((c) => c.cell_type === 'code');
  const images = code.flatMap((c) => c.outputs).filter((o) => o.data?.['image/png']).length;
  const text = code
    .flatMap((c) => c.outputs)
    .map((o) => [].concat(o.text ?? o.data?.['text/plain'] ?? []).join(''))
    .join('\n');
  checks.push(['every code cell was executed', code.every((c) => c.execution_count !== null), '']);
  checks.push(['the pictures are inline (PNG outputs)', images >= 10, `${images} pictures`]);
  checks.push(['samples were selected by the watershed', /\d+ of \d+ samples intersect the watershed/.test(text), '']);
  checks.push(['the model trained (loss per epoch printed)', /\nloss per epoch: (\d\.\d+ ?){8}/.test(`\n${text}`), (/(^|\n)loss per epoch: .*/.exec(text) ?? [''])[0]]);
  checks.push(['the STAC section made 5-D batches with dates', /STAC batch 4,2,32,32,3; dates of sample 0: \d{4}-\d\d-\d\dT/.test(text), (/STAC batch .*/.exec(text) ?? [''])[0]]);
  checks.push(['the model over STAC batches trained', /STAC loss per epoch: (\d+\.\d+ ?){6}/.test(text), (/STAC loss per epoch: .*/.exec(text) ?? [''])[0]]);
}
let failed = 0;
for (const [name, ok, note] of checks) {
  if (!ok) failed++;
  console.log(`${ok ? 'ok' : 'not ok'} - notebook: ${name}${note ? ` (${note})` : ''}`);
}
console.log(`executed in ${((Date.now() - t0) / 1000).toFixed(1)} s${inPlace ? `, written to ${nb}` : ''}`);
console.log(`notebook: ${checks.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
