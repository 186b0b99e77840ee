/** Node adapter: worker_threads workers, local files mounted (never copied) into the engine. */
import { EngineError } from '../core/errors.js';
import { nodeEndpoint } from '../engine/protocol.js';
import { compiledGdal } from './compiled-gdal.js';
import { nodeModule } from './node-module.js';
import { localRuntimeParts } from './local-fs.js';
import type { RuntimeAdapter } from './types.js';

export const nodeRuntime: RuntimeAdapter = {
  name: 'node',
  workersHoldProcess: false,
  prefetchRequests: 16,
  compiledGdal,
  defaultWorkers() {
    const os = process.getBuiltinModule?.('node:os') as typeof import('node:os') | undefined;
    const n = os?.availableParallelism?.() ?? os?.cpus().length ?? 2;
    return Math.max(1, Math.min(n, 8));
  },
  async startWorker(given) {
    const { Worker } = await nodeModule<typeof import('node:worker_threads')>('node:worker_threads');
    const url = given ?? new URL('./engine.worker.js', import.meta.url);
    // Workers inherit the process's Node options; those for the main script's input (node
    // --input-type=module -e …, --eval) make a worker fail to start, so they are left out.
    const execArgv: string[] = [];
    for (let i = 0; i < process.execArgv.length; i++) {
      const a = process.execArgv[i];
      if (/^(-e|-p|--eval|--print|--input-type)$/.test(a))
        i++; // and its value
      else if (!/^--(eval|print|input-type)=/.test(a)) execArgv.push(a);
    }
    const w = newWorker((argv) => new Worker(url, { execArgv: argv }), execArgv);
    w.unref();
    let deathCb: ((r: string) => void) | null = null;
    let dead = false;
    const die = (reason: string) => {
      if (dead) return;
      dead = true;
      deathCb?.(reason);
    };
    w.on('error', (e) => die(`worker error: ${e?.message ?? e}`));
    w.on('exit', (code) => die(`worker exited with code ${code}`));
    return {
      endpoint: nodeEndpoint(w as never),
      onDeath(cb) {
        deathCb = cb;
      },
      async terminate() {
        dead = true;
        await w.terminate();
      },
      ref: () => w.ref(),
      unref: () => w.unref(),
    };
  },
  ...localRuntimeParts,
};

/**
 * A worker started with the process's Node options, less those Node refuses in a worker: process-wide
 * options (V8's, such as `--max-old-space-size`, `--expose-gc`, `--max-semi-space-size`) make
 * `new Worker` throw ERR_WORKER_INVALID_EXEC_ARGV, though they already apply to the whole process,
 * workers included. Node names the refused options in its message; they are dropped and the worker
 * started again, and with no options at all if that is refused too.
 */
export function newWorker<W>(start: (execArgv: string[]) => W, execArgv: string[]): W {
  try {
    return start(execArgv);
  } catch (e) {
    if ((e as { code?: string })?.code === 'ERR_ACCESS_DENIED')
      throw new EngineError('ENGINE_FAILED', "cannot start an engine worker: Node's permission model forbids workers (run with --allow-worker)");
    if ((e as { code?: string })?.code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw e;
    const named = String((e as Error).message).split(' flags: ')[1] ?? '';
    const refused = new Set(named.split(', '));
    const kept = execArgv.filter((a) => !refused.has(a));
    if (kept.length > 0 && kept.length < execArgv.length) {
      try {
        return start(kept);
      } catch (again) {
        if ((again as { code?: string })?.code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw again;
      }
    }
    return start([]);
  }
}
