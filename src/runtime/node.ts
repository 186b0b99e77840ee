/** Node adapter: worker_threads workers, local files mounted (never copied) into the engine. */
import { nodeEndpoint } from '../engine/protocol.js';
import { nodeModule } from './node-module.js';
import { localRuntimeParts } from './local-fs.js';
import type { RuntimeAdapter } from './types.js';

export const nodeRuntime: RuntimeAdapter = {
  name: 'node',
  workersHoldProcess: false,
  prefetchRequests: 16,
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
    const w = new Worker(url, { execArgv });
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
