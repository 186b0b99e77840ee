// Node's permission model (--permission; --experimental-permission in Node 20): with reads allowed for
// the package and the data and workers allowed, geotensor reads what it reads without the model; a
// file outside the allowed folders is a SourceError naming --allow-fs-read, and workers not allowed an
// EngineError naming --allow-worker; a data folder below a symbolic link works when allowed as named
// and as its real path; and Deno's --allow-read the same way. Each in a fresh process
// (test/permission/script.mjs).
import { spawnSync } from 'node:child_process';
import { realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const flag = process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission';
// Each folder as named and as its real path: ../shared may be a symbolic link (CI), and the host checks
// the path it is given while the engine's sandbox reads the real one.
const both = (dir) => [...new Set([`${resolve(dir)}/`, `${realpathSync(dir)}/`])];
const repo = both('.');
const data = both('../shared/data');
const script = resolve('test/permission/script.mjs');
const run = (args, cmd = 'node', env = {}) => {
  const r = spawnSync(cmd, [...args, script], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  return { status: r.status, out: (r.stdout ?? '').trim(), err: (r.stderr ?? '').slice(-300) };
};

let failed = 0;
const check = (ok, what, detail) => {
  if (!ok) failed++;
  console.log(`${ok ? 'ok' : 'not ok'} - ${what}${ok ? '' : `: ${detail}`}`);
};

const free = run([]);
const values = /^window 4096 values, sum [-\d.e+]+; flow 9 samples, sum [-\d.e+]+$/;
check(values.test(free.out), 'without the permission model, the script reads its window and flow', JSON.stringify(free));
const allowed = run([flag, ...[...repo, ...data].map((d) => `--allow-fs-read=${d}`), '--allow-worker']);
check(
  values.test(allowed.out) && allowed.out === free.out,
  `under ${flag} with reads of the package and the data and workers allowed, the same values`,
  JSON.stringify({ allowed, free: free.out }),
);
const noData = run([flag, ...repo.map((d) => `--allow-fs-read=${d}`), '--allow-worker']);
check(
  /^error SourceError SOURCE_UNREADABLE: .*elev\.tif: permission denied \(Node's permission model: run with --allow-fs-read\)$/.test(noData.out),
  'a file outside the allowed folders is a SourceError naming --allow-fs-read',
  JSON.stringify(noData),
);
const noWorker = run([flag, ...[...repo, ...data].map((d) => `--allow-fs-read=${d}`)]);
check(
  /^error EngineError ENGINE_FAILED: cannot start an engine worker: Node's permission model forbids workers \(run with --allow-worker\)$/.test(noWorker.out),
  'without --allow-worker, an EngineError naming it',
  JSON.stringify(noWorker),
);
// A data folder below a symbolic link, allowed as named and as its real path, the link itself not
// (as CI's ../shared): the link is made outside the allowed folders.
const link = join(tmpdir(), `geotensor-permission-${process.pid}`);
rmSync(link, { force: true });
symlinkSync(realpathSync('../shared'), link);
const linkedData = `${link}/data`;
const linked = run([flag, ...[...repo, `${linkedData}/`, `${realpathSync(linkedData)}/`].map((d) => `--allow-fs-read=${d}`), '--allow-worker'], 'node', {
  GEOTENSOR_DATA: linkedData,
});
rmSync(link, { force: true });
check(linked.out === free.out, 'a data folder below a symbolic link, allowed as named and as its real path: the same values', JSON.stringify({ linked, free: free.out }));
// Deno's own model, the same way: reads of the package and the data only.
const deno = (read) => run(['run', `--allow-read=${read}`, '--allow-env', '--allow-sys'], 'node_modules/.bin/deno');
const denoAllowed = deno([...repo, ...data].join(','));
check(denoAllowed.out === free.out, 'Deno with --allow-read of the package and the data only: the same values', JSON.stringify({ denoAllowed, free: free.out }));
const denoNoData = deno(repo.join(','));
check(
  /^error SourceError SOURCE_UNREADABLE: .*elev\.tif: permission denied \(Deno: run with --allow-read\)$/.test(denoNoData.out),
  'Deno: a file outside the allowed folders is a SourceError naming --allow-read',
  JSON.stringify(denoNoData),
);
console.log(`permission: ${7 - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
