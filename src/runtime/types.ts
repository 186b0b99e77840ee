import type { EngineConnection, WasmModule } from '../engine/protocol.js';

/** A terminal to draw progress on (Node and Deno's stderr when it is a TTY). */
export interface Terminal {
  columns?: number;
  write(s: string): unknown;
}

/**
 * Everything the core needs that differs between Node, Deno, browsers and edge runtimes. These
 * adapters are the only code that knows which runtime it is in (asked of core/runtime-kind.ts).
 */
export interface RuntimeAdapter {
  readonly name: 'node' | 'deno' | 'browser';
  /**
   * Whether idle workers keep the process from exiting (Deno: its Web Workers cannot be unref'd):
   * then the pool ends its workers once no source is open and no call is running.
   */
  readonly workersHoldProcess: boolean;
  /** How many engine workers to run by default. */
  defaultWorkers(): number;
  /**
   * Range requests to one origin a flow's tile prefetch keeps in flight unless `remote.prefetchRequests`
   * says: 16 in Node and Deno, whose fetch opens connections as needed; 8 in pages and edge
   * runtimes, whose fetch queues past a few connections per origin (Chromium: 6 over HTTP/1.1, as
   * the test server sees), where a read a worker is blocked on would wait behind more.
   */
  readonly prefetchRequests: number;
  /** Second places to look for GDAL's files (browsers: next to the host module; see EngineAssetConfig.fallback). */
  assetFallback?(): { wasm: string; data: string };
  /**
   * GDAL's WebAssembly module as the package ships it, compiled once per process or page and shared
   * by every worker (runtime/compiled-gdal.ts); null where it cannot be (the worker loads it).
   */
  compiledGdal?(): Promise<WasmModule | null>;
  /** Starts the engine worker script at `url`, or, with null, the package's own (dist/engine.worker.js). */
  startWorker(url: URL | null): Promise<EngineConnection>;
  /** Whether a worker can block on a SharedArrayBuffer while this thread fetches (in pages: cross-origin isolation). */
  canBlock(): boolean;
  /** What relative URLs given by the user (workerUrl, assets) are resolved against. */
  baseUrl(): string;
  /** A local path or file: URL as an absolute path to a regular file (SourceError otherwise; browsers have none). */
  localFile(path: string): Promise<string>;
  /** Reads a file whole: from disk in Node and Deno, by fetch in browsers. */
  readFile(path: string): Promise<Uint8Array>;
  /**
   * Writes a file so that it appears under its name only when complete (a temporary name in the same
   * folder, then a rename), creating folders as needed. Browsers: an ArgumentError naming `what`.
   */
  writeFile(path: string, bytes: Uint8Array, what: string): Promise<void>;
  /** Names in a folder (files and folders), [] when it does not exist; null where there are no local files (browsers). */
  listFolder(path: string, what: string): Promise<string[] | null>;
  /** Removes a file (nothing if it is gone). Browsers: an ArgumentError naming `what`. */
  removeFile(path: string, what: string): Promise<void>;
  /** The terminal for progress bars, or null (no TTY, browsers). */
  terminal(): Terminal | null;
}
