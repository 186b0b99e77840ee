import type { Endpoint } from 'comlink';
import type { WorkerSource } from '../engine/types.js';

/** A started worker: a Comlink endpoint plus lifecycle hooks. */
export interface WorkerHandle {
  endpoint: Endpoint;
  /** Called once if the worker dies (uncaught error, exit, WebAssembly abort). */
  onDeath(cb: (reason: string) => void): void;
  terminate(): Promise<void> | void;
  /** Node: keep the process alive while calls are in flight (ref), not when the engine is idle (unref). */
  ref?(): void;
  unref?(): void;
}

/** What differs between Node, Deno and browsers; everything else in geotensor is runtime-neutral. */
export interface RuntimeAdapter {
  readonly name: 'node' | 'deno' | 'browser';
  /** How many engine workers to run by default. */
  defaultWorkers(): number;
  startWorker(url: URL): Promise<WorkerHandle>;
  /** Turns a local path into something a worker can open, checking that it exists. */
  pathSource(path: string): Promise<{ source: WorkerSource; label: string }>;
  /** Reads a small file whole (vector masks, sidecar files): from disk in Node and Deno, by fetch in browsers. */
  readFile(path: string): Promise<Uint8Array>;
}
