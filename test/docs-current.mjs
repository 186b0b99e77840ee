// Checks that docs/api (typedoc, from the TSDoc comments) is current: generates it again into
// .test-build/api with warnings as errors and compares the two trees file by file.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

rmSync('.test-build/api', { recursive: true, force: true });
const r = spawnSync('npx', ['--no-install', 'typedoc', '--out', '.test-build/api', '--treatWarningsAsErrors'], { encoding: 'utf8' });
const list = (d, p = '') =>
  readdirSync(join(d, p))
    .flatMap((f) => (statSync(join(d, p, f)).isDirectory() ? list(d, join(p, f)) : [join(p, f)]))
    .sort();
let failed = 0;
if (r.status !== 0) {
  failed++;
  console.log(`not ok - docs: typedoc failed\n${r.stdout}${r.stderr}`);
} else {
  const a = list('docs/api');
  const b = list('.test-build/api');
  const stale = [...new Set([...a, ...b])].filter(
    (f) => !a.includes(f) || !b.includes(f) || readFileSync(join('docs/api', f), 'utf8') !== readFileSync(join('.test-build/api', f), 'utf8'),
  );
  if (stale.length) {
    failed++;
    console.log(`not ok - docs: docs/api is out of date (${stale.slice(0, 5).join(', ')}${stale.length > 5 ? ', ...' : ''}): run npm run docs`);
  } else console.log(`ok - docs: docs/api is current (${a.length} pages, no typedoc warnings)`);
}
console.log(`docs: ${1 - failed} passed, ${failed} failed`);
process.exit(failed);
