// The range server (server.mjs) in a process of its own, for npm test (the steps block the runner's
// own event loop) and the remote benches (object storage is another machine: the client measured,
// geotensor's host thread or native GDAL in its Python process, shares no event loop with the server).
import { spawn } from 'node:child_process';

/** Starts `node test/remote/server.mjs dir` and resolves its URL; `close()` ends the process (`child.kill()` where only a synchronous end will do). */
export async function startServerProcess(dir) {
  const child = spawn(process.execPath, ['test/remote/server.mjs', dir, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((ok, fail) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening (\S+)/.exec(out);
      if (m) ok(m[1]);
    });
    child.once('exit', (c) => fail(new Error(`range server exited (${c}) before listening`)));
  });
  const exited = new Promise((ok) => child.once('exit', ok));
  return {
    url,
    child,
    async close() {
      child.kill();
      await exited;
    },
  };
}
