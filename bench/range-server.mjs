// The loopback range server of the remote benches (test/remote/server.mjs) in a process of its own,
// as object storage is another machine: the client measured (geotensor's host thread, or native
// GDAL in its Python process) does not share its event loop or process with the server's work.
import { spawn } from 'node:child_process';

/** Starts `node test/remote/server.mjs dir` and resolves its URL; `close()` ends the process. */
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
    async close() {
      child.kill();
      await exited;
    },
  };
}
