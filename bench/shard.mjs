// Sharded trainers (`npm run bench:shard`): N processes (1, 2, 4, 8), each a data-parallel trainer with
// one engine worker reading its `shard(N, i)` of 2,000 random 128×128 bilinear boxes of the W1 COG
// from one loopback range server with 20 ms added per request (cold caches in every process).
// Start-up and opening are left out: every process opens, then all start together. Reports the
// total samples/s (all samples over the wall time until the last trainer is done) and the requests
// per sample the server saw. Updates its block in bench/RESULTS.md.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startServerProcess } from '../test/remote/server-process.mjs';
import { publishRows } from './results-block.mjs';

const cache = 'bench/.cache';
const SAMPLES = 2000;

function trainer(url, count, index) {
  const child = spawn(process.execPath, ['bench/shard-child.mjs', url, String(count), String(index), String(SAMPLES)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const ready = new Promise((ok, fail) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('ready\n')) ok();
    });
    child.once('exit', (code) => fail(new Error(`trainer ${index} exited with ${code}`)));
  });
  const done = new Promise((ok, fail) =>
    child.once('exit', (code) => (code === 0 ? ok(JSON.parse(out.trim().split('\n').pop())) : fail(new Error(`trainer ${index} exited with ${code}`)))),
  );
  done.catch(() => undefined);
  return { ready, done, go: () => child.stdin.end('go\n') };
}

export async function shardRows() {
  const w1 = `${cache}/w1.tif`;
  if (!existsSync(w1)) execFileSync('/usr/bin/python3', ['bench/baseline.py', 'make', w1]);
  const cog = `${cache}/w1-cog.tif`;
  if (!existsSync(cog)) execFileSync('gdal_translate', ['-q', '-of', 'COG', '-co', 'BLOCKSIZE=256', w1, cog]);
  const server = await startServerProcess(cache);
  const rows = [];
  let one = 0;
  try {
    for (const n of [1, 2, 4, 8]) {
      const url = `${server.url}/lat-20/w1-cog.tif`;
      const trainers = Array.from({ length: n }, (_, i) => trainer(url, n, i));
      await Promise.all(trainers.map((t) => t.ready));
      await fetch(`${server.url}/__reset`);
      const t0 = performance.now();
      for (const t of trainers) t.go();
      const results = await Promise.all(trainers.map((t) => t.done));
      const wall = performance.now() - t0;
      const stats = await (await fetch(`${server.url}/__stats`)).json();
      const samples = results.reduce((a, r) => a + r.samples, 0);
      const rate = (samples / wall) * 1000;
      if (n === 1) one = rate;
      rows.push([
        `${n} trainer process${n > 1 ? 'es' : ''} × 1 worker, shard(${n}, i) each`,
        rate,
        'samples/s',
        `(${(rate / one).toFixed(2)}x one process; ${samples} samples; ${(stats.requests / samples).toFixed(2)} requests and ${(stats.bytes / samples / 1024).toFixed(0)} KiB per sample; most in flight ${stats.maxInFlight})`,
      ]);
    }
  } finally {
    await server.close();
  }
  return rows;
}

async function main() {
  const rows = await shardRows();
  publishRows(
    'shard',
    'Sharded trainers on one object store',
    `Sharded trainers (\`npm run bench:shard\`)`,
    `W1 COG at 20 ms per request, ${SAMPLES} random 128×128 bilinear boxes in all`,
    rows,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
