/**
 * One engine worker (or in-thread engine) as the pool sees it: calls with a time limit and an
 * AbortSignal, death detection (every call in flight rejects with `workerDied`, never a hang), and
 * the datasets opened in it. Internal to the engine's host side.
 */
import * as Comlink from 'comlink';
import { AbortError, EngineError, GeotensorError } from '../core/errors.js';
import { onAbort } from './abort.js';
import type { EngineAssetConfig, EngineConnection, EngineWorkerApi } from './protocol.js';

/** How long a worker may take to start (GDAL compiled and loaded), whatever the call limit. */
const STARTUP_MS = 120_000;

export class EngineWorker {
  readonly api: Comlink.Remote<EngineWorkerApi>;
  dead: string | null = null;
  /** Dataset ids opened in this worker (value: the open call, shared by concurrent readers). */
  readonly opened = new Map<number, Promise<unknown>>();
  private readonly rejecters = new Set<(e: Error) => void>();
  private readonly deathCallbacks: ((reason: string) => void)[] = [];
  readonly ready: Promise<void>;

  constructor(
    readonly index: number,
    private readonly handle: EngineConnection,
    assets: EngineAssetConfig,
    readonly timeoutMs = 300_000,
  ) {
    this.api = Comlink.wrap<EngineWorkerApi>(handle.endpoint);
    handle.onDeath((reason) => this.kill(reason));
    // Start-up (compiling and loading GDAL) is not a call GDAL could hang in: it gets its own, longer limit,
    // so a short call limit does not kill workers that start slowly on a loaded machine.
    this.ready = this.call((api) => api.init(assets), undefined, Math.max(timeoutMs, STARTUP_MS)).then(() => undefined);
  }

  /** Whether a call is running on this worker. */
  get busy(): boolean {
    return this.rejecters.size > 0;
  }

  /** Runs `cb` when this worker dies or is terminated. */
  onDeath(cb: (reason: string) => void): void {
    if (this.dead) cb(this.dead);
    else this.deathCallbacks.push(cb);
  }

  /** Runs one call on this worker; rejects (instead of hanging) if the worker dies meanwhile. */
  call<T>(fn: (api: Comlink.Remote<EngineWorkerApi>) => Promise<T>, signal?: AbortSignal, timeoutMs = this.timeoutMs): Promise<T> {
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
        if (this.rejecters.size === 0) {
          this.handle.unref?.();
          if (this.retiring) void this.terminate('retired (its WebAssembly memory grew past the limit)');
        }
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
        this.timedOut = rejecter;
        void this.terminate(`a call took longer than ${timeoutMs} ms`);
      }, timeoutMs);
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

  /** Ends this worker once its calls in flight are done (the pool has already replaced it). */
  retire(): void {
    this.retiring = true;
    if (this.rejecters.size === 0) void this.terminate('retired (its WebAssembly memory grew past the limit)');
  }

  private retiring = false;
  /** The call whose time limit ended this worker: it alone fails as timed out; the others in flight died with the worker (and are retried). */
  private timedOut: ((e: Error) => void) | null = null;

  kill(reason: string): void {
    if (this.dead) return;
    this.dead = reason;
    // An error each: callers add their own details (the sample) to it.
    for (const r of [...this.rejecters]) {
      r(new EngineError('ENGINE_FAILED', `engine worker ${this.index} died: ${reason}`, { workerDied: true, ...(this.timedOut === r ? { timedOut: true } : {}) }));
    }
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
