/**
 * Host side of the engine: a pool of GDAL workers reached through Comlink. Workers start lazily,
 * each with its own GDAL; a call goes to the least busy live worker. A worker that dies rejects its
 * in-flight calls with an EngineError (never a hang) and is replaced on the next call.
 */
import * as Comlink from 'comlink';
import type { EngineAssetConfig, EngineWorkerApi } from './types.js';
import { AbortError, EngineError, GeotensorError } from '../errors/index.js';
import { currentRuntime, type RuntimeAdapter, type WorkerHandle } from '../runtime/index.js';
import { installErrorTransfer } from './error-transfer.js';
import { onAbort } from './abort.js';
import { blockingBridgeAvailable, connectBlockingBridge } from './byte-bridge.js';

export interface EngineOptions {
  /** Number of engine workers (default: available cores, at most 8). */
  workers?: number;
  /** URL of `engine.worker.js` (default: next to this module). */
  workerUrl?: string | URL;
  /** Where GDAL's .wasm and .data are (default: resolved per runtime, see wasm/assets.ts). */
  assets?: EngineAssetConfig;
  /**
   * 'worker' (default): GDAL runs in Web Workers / worker_threads. 'inline': GDAL runs in this
   * thread behind the same interface, for runtimes without workers (edge runtimes such as workerd).
   */
  mode?: 'worker' | 'inline';
  /** URL of `engine.inline.js` for 'inline' mode (default: next to this module). */
  inlineUrl?: string | URL;
  /**
   * 'inline' mode where modules cannot be imported by URL (bundled edge workers): the factory from
   * `geotensor/inline` (`import { startInlineEngine } from 'geotensor/inline'`).
   */
  inlineEngine?: () => WorkerHandle;
  /** A call running longer than this kills its worker (default 300,000 ms): nothing hangs forever. */
  callTimeoutMs?: number;
  /**
   * How workers get the bytes of remote files while GDAL reads synchronously: 'blocking' (the worker
   * waits on a SharedArrayBuffer while the host fetches), 'replay' (a read that misses bytes is
   * repeated once the host has fetched them), 'auto' (default): blocking where SharedArrayBuffer is
   * usable in workers (Node, Deno, cross-origin-isolated pages), else replay (inline/edge engines).
   */
  byteBridge?: 'auto' | 'blocking' | 'replay';
}

export class EngineWorker {
  readonly api: Comlink.Remote<EngineWorkerApi>;
  dead: string | null = null;
  /** Dataset ids opened in this worker (value: the open call, shared by concurrent readers). */
  readonly opened = new Map<number, Promise<unknown>>();
  private readonly rejecters = new Set<(e: Error) => void>();
  private readonly deathCallbacks: ((reason: string) => void)[] = [];
  readonly ready: Promise<void>;

  constructor(readonly index: number, private readonly handle: WorkerHandle, assets: EngineAssetConfig, private readonly timeoutMs = 300_000, blocking = false) {
    this.api = Comlink.wrap<EngineWorkerApi>(handle.endpoint);
    handle.onDeath((reason) => this.kill(reason));
    this.ready = this.call((api) => api.init(assets)).then(() => (blocking ? connectBlockingBridge(this, this.timeoutMs) : undefined));
  }

  /** Runs `cb` when this worker dies or is terminated. */
  onDeath(cb: (reason: string) => void): void {
    if (this.dead) cb(this.dead);
    else this.deathCallbacks.push(cb);
  }

  /** Runs one call on this worker; rejects (instead of hanging) if the worker dies meanwhile. */
  call<T>(fn: (api: Comlink.Remote<EngineWorkerApi>) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.dead) return Promise.reject(new EngineError('ENGINE_FAILED', `engine worker ${this.index} is dead: ${this.dead}`));
    if (signal?.aborted) return Promise.reject(new AbortError('engine call', signal.reason));
    return new Promise<T>((resolve, reject) => {
      const rejecter = (e: Error) => finish(() => reject(e));
      let done = false;
      const finish = (f: () => void) => {
        if (done) return;
        done = true;
        this.rejecters.delete(rejecter);
        // Idle: the worker must not keep the process alive (Node); a call in flight must.
        if (this.rejecters.size === 0) this.handle.unref?.();
        stopListening?.();
        clearTimeout(timer);
        f();
      };
      this.rejecters.add(rejecter);
      if (this.rejecters.size === 1) this.handle.ref?.();
      const stopListening = signal ? onAbort(signal, () => finish(() => reject(new AbortError('engine call', signal.reason)))) : null;
      // A call that never returns (GDAL stuck in a loop on a hostile file) is ended by killing the worker.
      // (cleared in finish(), however the call ends; unref'd so it never keeps a process alive)
      const timer: ReturnType<typeof setTimeout> = setTimeout(() => {
        void this.terminate(`a call took longer than ${this.timeoutMs} ms`);
      }, this.timeoutMs);
      (timer as { unref?: () => void }).unref?.();
      fn(this.api).then(
        (v) => finish(() => resolve(v)),
        (e) => {
          finish(() => reject(e instanceof GeotensorError ? e : new EngineError('ENGINE_FAILED', `engine call failed: ${(e as Error)?.message ?? e}`)));
          // The WebAssembly instance is unusable: end this worker (other calls in flight on it are
          // rejected as "worker died" and retried); its slot restarts on next use.
          if (e instanceof GeotensorError && e.details.fatal) void this.terminate(e.message);
        },
      );
    });
  }

  kill(reason: string): void {
    if (this.dead) return;
    this.dead = reason;
    const err = new EngineError('ENGINE_FAILED', `engine worker ${this.index} died: ${reason}`, { workerDied: true });
    for (const r of [...this.rejecters]) r(err);
    for (const cb of this.deathCallbacks.splice(0)) cb(reason);
  }

  /** Ends the worker thread for real; calls in flight reject with an EngineError (workerDied). */
  async terminate(reason = 'terminated'): Promise<void> {
    const first = !this.dead;
    this.kill(reason);
    if (!first && this.terminated) return;
    this.terminated = true;
    this.api[Comlink.releaseProxy]();
    await this.handle.terminate();
  }

  private terminated = false;
}

export class EnginePool {
  readonly size: number;
  private readonly workers: (EngineWorker | null)[];
  private readonly starting: (Promise<EngineWorker> | null)[];
  private readonly load: number[];
  private readonly runtime: RuntimeAdapter;
  private closed = false;

  private readonly options: EngineOptions;

  /** Options not given here are taken from {@link configureEngine}. */
  constructor(options: EngineOptions = {}) {
    this.options = { ...defaultOptions, ...options };
    options = this.options;
    installErrorTransfer();
    this.runtime = currentRuntime();
    if (options.mode !== undefined && options.mode !== 'worker' && options.mode !== 'inline') {
      throw new EngineError('INVALID_ARGUMENT', `mode: expected 'worker' or 'inline', got ${String(options.mode)}`, { input: 'mode' });
    }
    const n = options.workers ?? (options.mode === 'inline' ? 1 : this.runtime.defaultWorkers());
    if (options.byteBridge !== undefined && !['auto', 'blocking', 'replay'].includes(options.byteBridge)) {
      throw new EngineError('INVALID_ARGUMENT', `byteBridge: expected 'auto', 'blocking' or 'replay', got ${String(options.byteBridge)}`, { input: 'byteBridge' });
    }
    if (options.byteBridge === 'blocking' && (options.mode === 'inline' || !blockingBridgeAvailable())) {
      throw new EngineError('INVALID_ARGUMENT', `byteBridge: 'blocking' needs engine workers and SharedArrayBuffer (in a browser page: cross-origin isolation, COOP/COEP headers)`, { input: 'byteBridge' });
    }
    if (!Number.isInteger(n) || n < 1 || n > 64) throw new EngineError('INVALID_ARGUMENT', `workers: expected an integer from 1 to 64, got ${n}`, { input: 'workers' });
    this.size = n;
    this.workers = new Array(n).fill(null);
    this.starting = new Array(n).fill(null);
    this.load = new Array(n).fill(0);
  }

  /** True when workers wait for remote bytes on a SharedArrayBuffer; false when reads are replayed. */
  get blocking(): boolean {
    const b = this.options.byteBridge ?? 'auto';
    return b === 'blocking' || (b === 'auto' && this.options.mode !== 'inline' && blockingBridgeAvailable());
  }

  get runtimeName(): string {
    return this.runtime.name;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Runs `fn` on the least loaded worker, starting one when a slot is free and every live worker is
   * busy. The load is counted from the moment of choice, so concurrent callers spread out.
   */
  async use<T>(fn: (w: EngineWorker) => Promise<T>): Promise<T> {
    this.assertOpen();
    let slot = -1;
    let bestLoad = Infinity;
    for (let i = 0; i < this.size; i++) {
      const w = this.workers[i];
      const alive = (w && !w.dead) || this.starting[i];
      const load = alive ? this.load[i] : Infinity;
      if (load < bestLoad) {
        bestLoad = load;
        slot = i;
      }
    }
    if (slot < 0 || bestLoad > 0) {
      const free = this.workers.findIndex((w, i) => (!w || w.dead) && !this.starting[i]);
      if (free >= 0) slot = free;
    }
    this.load[slot]++;
    try {
      const w = this.workers[slot];
      const worker = w && !w.dead ? w : await (this.starting[slot] ?? this.start(slot));
      return await fn(worker);
    } finally {
      this.load[slot]--;
    }
  }

  /** Every live worker (for broadcasting closes). */
  live(): EngineWorker[] {
    return this.workers.filter((w): w is EngineWorker => !!w && !w.dead);
  }

  private start(i: number): Promise<EngineWorker> {
    const p = (async () => {
      const handle = this.options.mode === 'inline' ? await this.startInline() : await this.runtime.startWorker(this.workerUrl());
      const w = new EngineWorker(i, handle, this.options.assets ?? {}, this.options.callTimeoutMs, this.blocking);
      try {
        await w.ready;
      } catch (e) {
        await w.terminate();
        throw e;
      }
      if (this.closed) {
        await w.terminate();
        this.assertOpen();
      }
      this.workers[i] = w;
      return w;
    })();
    this.starting[i] = p;
    p.then(
      () => (this.starting[i] = null),
      () => (this.starting[i] = null),
    );
    return p;
  }

  /** Where engine.worker.js is (resolved when a worker starts: bundled edge code has no usable module URL). */
  private workerUrl(): URL {
    const o = this.options.workerUrl;
    return o ? new URL(o, baseUrl()) : new URL('./engine.worker.js', import.meta.url);
  }

  private async startInline() {
    if (this.options.inlineEngine) return this.options.inlineEngine();
    const url = this.options.inlineUrl ? new URL(this.options.inlineUrl, baseUrl()) : new URL('./engine.inline.js', import.meta.url);
    const mod = (await import(/* @vite-ignore */ /* webpackIgnore: true */ url.href)) as typeof import('../../wasm/inline.js');
    return mod.startInlineEngine();
  }

  /** Stops every worker and frees everything they hold. */
  async terminate(): Promise<void> {
    this.closed = true;
    const all = [...this.workers, ...(await Promise.allSettled(this.starting.filter(Boolean) as Promise<EngineWorker>[])).map((r) => (r.status === 'fulfilled' ? r.value : null))];
    await Promise.all(all.filter((w): w is EngineWorker => !!w).map((w) => w.terminate()));
    this.workers.fill(null);
  }

  private assertOpen(): void {
    if (this.closed) throw new EngineError('ENGINE_CLOSED', 'the engine was terminated');
  }
}

function baseUrl(): string {
  const g = globalThis as { location?: { href: string }; process?: { cwd(): string } };
  if (g.location?.href) return g.location.href;
  if (g.process?.cwd) return `file://${g.process.cwd()}/`;
  return import.meta.url;
}

let defaultPool: EnginePool | null = null;
let defaultOptions: EngineOptions = {};

/** Sets the options of the shared default engine (before it starts, or it restarts with them). */
export async function configureEngine(options: EngineOptions): Promise<void> {
  defaultOptions = { ...options };
  if (defaultPool) {
    const old = defaultPool;
    defaultPool = null;
    await old.terminate();
  }
}

/** The shared default engine, created on first use. */
export function defaultEngine(): EnginePool {
  if (!defaultPool || defaultPool.isClosed) defaultPool = new EnginePool(defaultOptions);
  return defaultPool;
}

/** Terminates the shared default engine (it is created again on next use). */
export async function terminateEngine(): Promise<void> {
  const p = defaultPool;
  defaultPool = null;
  await p?.terminate();
}
