/**
 * Host side of the engine: a pool of GDAL workers reached through Comlink. Workers start lazily,
 * each with its own GDAL; a call goes to the least busy live worker. The pool owns everything about
 * running a call: the worker choice, opening a dataset in the worker that reads it, replaying a call
 * that missed remote bytes, and retrying once on a fresh worker when a worker dies under a call.
 */
import type * as Comlink from 'comlink';
import { ArgumentError, EngineError, GeotensorError } from '../core/errors.js';
import { currentRuntime, type RuntimeAdapter } from '../runtime/index.js';
import { connectBlockingBridge, withBytes } from './byte-bridge.js';
import { type DatasetSpec, type EngineAssetConfig, type EngineConnection, type EngineWorkerApi, type OpenOptions, installErrorTransfer, type RasterMeta } from './protocol.js';
import { EngineWorker } from './worker.js';
import { checkLimits, type EngineLimits } from './limits.js';

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
  inlineEngine?: () => EngineConnection;
  /** A call running longer than this kills its worker (default 300,000 ms): nothing hangs forever. */
  callTimeoutMs?: number;
  /** Memory and work bounds per window and per worker (see {@link EngineLimits}). */
  limits?: EngineLimits;
  /**
   * How workers get the bytes of remote files while GDAL reads synchronously: 'blocking' (the worker
   * waits on a SharedArrayBuffer while the host fetches), 'replay' (a read that misses bytes is
   * repeated once the host has fetched them), 'auto' (default): blocking where SharedArrayBuffer is
   * usable in workers (Node, Deno, cross-origin-isolated pages), else replay (inline/edge engines).
   */
  byteBridge?: 'auto' | 'blocking' | 'replay';
}

export class EnginePool {
  readonly size: number;
  private readonly workers: (EngineWorker | null)[];
  private readonly starting: (Promise<EngineWorker> | null)[];
  private readonly load: number[];
  private readonly runtime: RuntimeAdapter;
  private closed = false;

  private readonly options: EngineOptions;
  /** The bounds every call of this pool is held to. */
  readonly limits: Required<EngineLimits>;

  /** Options not given here are taken from {@link configureEngine}. */
  constructor(options: EngineOptions = {}) {
    this.options = { ...defaultOptions, ...options };
    options = this.options;
    installErrorTransfer();
    this.runtime = currentRuntime();
    if (options.mode !== undefined && options.mode !== 'worker' && options.mode !== 'inline') {
      throw new ArgumentError('mode', "'worker' or 'inline'", options.mode);
    }
    const n = options.workers ?? (options.mode === 'inline' ? 1 : this.runtime.defaultWorkers());
    if (options.byteBridge !== undefined && !['auto', 'blocking', 'replay'].includes(options.byteBridge)) {
      throw new ArgumentError('byteBridge', "'auto', 'blocking' or 'replay'", options.byteBridge);
    }
    if (options.byteBridge === 'blocking' && (options.mode === 'inline' || !this.runtime.canBlock())) {
      throw new ArgumentError(
        'byteBridge',
        "'auto' or 'replay' here: 'blocking' needs engine workers and SharedArrayBuffer (in a browser page: cross-origin isolation, COOP/COEP headers)",
        options.byteBridge,
      );
    }
    if (!Number.isInteger(n) || n < 1 || n > 64) throw new ArgumentError('workers', 'an integer from 1 to 64', n);
    this.size = n;
    this.limits = checkLimits(options.limits);
    this.workers = new Array(n).fill(null);
    this.starting = new Array(n).fill(null);
    this.load = new Array(n).fill(0);
  }

  /** True when workers wait for remote bytes on a SharedArrayBuffer; false when reads are replayed. */
  get blocking(): boolean {
    const b = this.options.byteBridge ?? 'auto';
    return b === 'blocking' || (b === 'auto' && this.options.mode !== 'inline' && this.runtime.canBlock());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Runs `fn` on the least loaded worker, starting one when a slot is free and every live worker is
   * busy. The load is counted from the moment of choice, so concurrent callers spread out.
   */
  private async use<T>(fn: (w: EngineWorker) => Promise<T>): Promise<T> {
    this.assertOpen();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
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
      this.stopWhenIdle();
    }
  }

  /** Sources open in this pool (by dataset id). */
  private readonly openIds = new Set<number>();
  private idleTimer: ReturnType<typeof setTimeout> | null = null;

  /**
   * Where idle workers keep the process alive (Deno), they end once no source is open and no call is
   * running, so a script exits after closing its last source; the next call starts them again.
   */
  /** No source open and no call running (and the pool not closed). */
  private idle(): boolean {
    return !this.closed && this.openIds.size === 0 && this.load.every((l) => l === 0);
  }

  private stopWhenIdle(): void {
    if (!this.runtime.workersHoldProcess || !this.idle()) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (!this.idle() || this.starting.some((s) => s)) return;
      if (this.liveWorkers().some((w) => w.busy)) return this.stopWhenIdle(); // a direct call (a close) still running
      for (let i = 0; i < this.size; i++) {
        const w = this.workers[i];
        this.workers[i] = null;
        if (w) void w.terminate('idle: no source open');
      }
    }, 200);
  }

  /**
   * Runs one engine call. With `dataset`, the dataset is opened in the chosen worker first (once per
   * worker; concurrent callers share the open). A call that misses remote bytes is replayed once the
   * host has fetched them; a call whose worker dies under it is retried once on a fresh worker
   * (`details.retried` on a second failure).
   * @internal
   */
  async run<T>(job: EngineJob, fn: (api: Comlink.Remote<EngineWorkerApi>) => Promise<T>): Promise<T> {
    try {
      return await this.retryOnce(job.signal, () =>
        this.use(async (worker) => {
          if (job.dataset) await this.openIn(worker, job.dataset, job.signal);
          const r = await withBytes(worker, job.label, () => worker.call(fn, job.signal), job.signal);
          const heap = (r as { heapBytes?: unknown } | null)?.heapBytes;
          if (typeof heap === 'number' && heap > this.limits.workerMemoryBytes) this.retire(worker);
          return r;
        }),
      );
    } catch (e) {
      // A worker that died under the call (time limit, crash) knows nothing of the source: name it.
      if (e instanceof EngineError && e.details.workerDied && e.details.input === undefined) {
        e.message = `${job.label}: ${e.message}`;
        e.details.input = job.label;
      }
      throw e;
    }
  }

  /** A worker whose WebAssembly memory grew past the limit: its slot starts afresh, it ends once idle. */
  private retire(worker: EngineWorker): void {
    const i = this.workers.indexOf(worker);
    if (i < 0) return;
    this.workers[i] = null;
    this.retired++;
    worker.retire();
  }

  /** Workers retired for their memory so far. */
  retired = 0;

  /**
   * Runs several calls on one worker (state kept in it between them, such as a raster written in
   * strips); the whole session is retried once if its worker dies.
   * @internal
   */
  session<T>(signal: AbortSignal | undefined, fn: (call: <R>(f: (api: Comlink.Remote<EngineWorkerApi>) => Promise<R>) => Promise<R>) => Promise<T>): Promise<T> {
    return this.retryOnce(signal, () => this.use((worker) => fn((f) => worker.call(f, signal))));
  }

  /**
   * Opens a dataset in one worker and returns its description (other workers open it on first use).
   * @internal
   */
  open(dataset: OpenDataset, signal?: AbortSignal): Promise<RasterMeta> {
    this.openIds.add(dataset.id);
    const p = this.retryOnce(signal, () => this.use((worker) => this.openIn(worker, dataset, signal)));
    p.catch(() => {
      this.openIds.delete(dataset.id);
      this.stopWhenIdle();
    });
    return p;
  }

  /** Runs `attempt`, and once more if its worker died under it (killed, WebAssembly abort, time limit). */
  private async retryOnce<T>(signal: AbortSignal | undefined, attempt: () => Promise<T>): Promise<T> {
    try {
      return await attempt();
    } catch (e) {
      // A call that hit the time limit would hit it again (a hostile file): only crashes are retried.
      if (!(e instanceof EngineError && e.details.workerDied) || e.details.timedOut || this.closed || signal?.aborted) throw e;
      try {
        return await attempt();
      } catch (e2) {
        if (e2 instanceof GeotensorError) Object.assign(e2.details, { retried: true });
        throw e2;
      }
    }
  }

  /** Opens a dataset in one worker, shared by concurrent callers; forgotten again if it fails. */
  private openIn(worker: EngineWorker, d: OpenDataset, signal?: AbortSignal): Promise<RasterMeta> {
    const had = worker.opened.get(d.id);
    if (had) return had as Promise<RasterMeta>;
    const p = withBytes(worker, d.label, () => worker.call((api) => api.open(d.id, d.spec, d.label, d.options), signal), signal);
    worker.opened.set(d.id, p);
    p.then(
      (meta) => {
        // The next workers open it with these descriptions (confirmed by GDAL there, not described again).
        if (d.spec.kind !== 'vector') d.options = { ...d.options, described: meta.parts ?? [meta] };
      },
      () => worker.opened.delete(d.id),
    );
    return p;
  }

  /**
   * Closes a dataset in every worker that opened it.
   * @internal
   */
  async closeDataset(id: number): Promise<void> {
    await Promise.all(
      this.liveWorkers().map(async (w) => {
        if (!w.opened.has(id)) return;
        w.opened.delete(id);
        await w.call((api) => api.close(id)).catch(() => undefined);
      }),
    );
    this.openIds.delete(id);
    this.stopWhenIdle();
  }

  private liveWorkers(): EngineWorker[] {
    return this.workers.filter((w): w is EngineWorker => !!w && !w.dead);
  }

  private start(i: number): Promise<EngineWorker> {
    const p = (async () => {
      const inline = this.options.mode === 'inline';
      // The package's own worker and module: the module compiled once per process (runtime/compiled-gdal.ts), meanwhile.
      const own = !inline && this.options.workerUrl === undefined && this.options.assets?.wasm === undefined ? this.runtime.compiledGdal?.() : undefined;
      const handle = inline
        ? await this.startInline()
        : await this.runtime.startWorker(this.workerUrl()).catch((e: unknown) => {
            throw e instanceof GeotensorError ? e : new EngineError('ENGINE_FAILED', `cannot start an engine worker: ${(e as Error)?.message ?? e}`);
          });
      const fallback = inline ? undefined : this.runtime.assetFallback?.();
      const wasm = await own;
      const w = new EngineWorker(i, handle, { ...(fallback ? { fallback } : {}), ...(wasm ? { wasm } : {}), ...(this.options.assets ?? {}) }, this.options.callTimeoutMs);
      try {
        await w.ready;
        if (this.blocking) await connectBlockingBridge(w, w.timeoutMs);
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

  /** The workerUrl option resolved, or null for the package's own worker (the adapter knows where it is). */
  private workerUrl(): URL | null {
    const o = this.options.workerUrl;
    return o ? new URL(o, this.runtime.baseUrl()) : null;
  }

  private async startInline() {
    if (this.options.inlineEngine) return this.options.inlineEngine();
    const url = this.options.inlineUrl ? new URL(this.options.inlineUrl, this.runtime.baseUrl()) : new URL('./engine.inline.js', import.meta.url);
    const mod = (await import(/* @vite-ignore */ /* webpackIgnore: true */ url.href)) as { startInlineEngine(): EngineConnection };
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

/** A call's context: what to name in errors, its AbortSignal, and the dataset it reads, if any. */
export interface EngineJob {
  label: string;
  signal?: AbortSignal;
  dataset?: OpenDataset;
}

/** A dataset as the pool opens it in a worker: an id chosen by the host, its spec and label. */
export interface OpenDataset {
  id: number;
  spec: DatasetSpec;
  label: string;
  options?: OpenOptions;
}

/** Test-only: the pool's live workers (see src/testing.ts). */
export function liveWorkers(pool: EnginePool): EngineWorker[] {
  return (pool as unknown as { liveWorkers(): EngineWorker[] }).liveWorkers();
}
