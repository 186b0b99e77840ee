// Node and Deno exit once the last source is closed (Node also when run with process-wide options), without terminateEngine(), and a process reading
// only local files makes no shared block store (the script: test/exit/script.mjs). A process still running after 120 s has hung (a loaded machine needs a few).
import { spawnSync } from 'node:child_process';

let failed = 0;
const runs = [
  ['Node', 'node', ['test/exit/script.mjs']],
  // Process-wide options Node refuses in a worker's execArgv: the engine's workers start without them (they apply to the whole process anyway).
  [
    'Node with --max-old-space-size, --expose-gc and --max-semi-space-size',
    'node',
    ['--max-old-space-size=2048', '--expose-gc', '--max-semi-space-size=16', '--enable-source-maps', 'test/exit/script.mjs'],
  ],
  ['Deno', 'node_modules/.bin/deno', ['run', '--allow-read', '--allow-env', '--allow-sys', 'test/exit/script.mjs']],
];
for (const [name, cmd, args] of runs) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000 });
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  const ok = r.status === 0 && /read 9 samples, closed the source; shared block store 0 bytes/.test(r.stdout);
  if (!ok) failed++;
  console.log(
    `${ok ? 'ok' : 'not ok'} - ${name} exits by itself after the last source is closed, having made no shared block store for local files (${s} s)${ok ? '' : `: status ${r.status} signal ${r.signal} ${r.stderr.slice(-300)}`}`,
  );
}
console.log(`exit: ${runs.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
