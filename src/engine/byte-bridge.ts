/**
 * Host side of lazy files (remote files): the registry of byte sources the workers read from, the
 * blocking bridge (a SharedArrayBuffer the worker waits on with Atomics.wait while the host fetches)
 * and the replay loop (a call that missed blocks fails with `needBytes`; the host fetches them,
 * supplies them to that worker and repeats the call). See wasm/lazy-file.ts for the worker side.
 */
import * as Comlink from 'comlink';
import type { BlockReader } from '../remote/types.js';
import { EngineError, GeotensorError, RemoteError, serializeError } from '../core/errors.js';
import { BRIDGE } from './protocol.js';
import type { EngineWorker } from './worker.js';
import { SharedBlockStore } from './shared-blocks.js';

/** Bytes the bridge carries per round trip (larger reads take several). */
const BRIDGE_CAPACITY = 8 << 20;
/** A call replayed more often than this gives up (each round fetches what the last attempt missed). */
const MAX_REPLAYS = 2000;

const sources = new Map<number, BlockReader>();
let nextFileId = 1;
/**
 * Blocks workers copy without asking (shared-blocks.ts): made once a remote file (a reader that
 * reports its blocks) is open and a worker uses the blocking bridge, then handed to every such
 * worker; a process reading only local files never makes it.
 */
let store: SharedBlockStore | null = null;
/** Workers on the blocking bridge (alive). */
const bridged = new Set<EngineWorker>();
let publishing = 0;

function ensureStore(): void {
  if (store || bridged.size === 0 || publishing === 0) return;
  store = new SharedBlockStore();
  for (const w of bridged) giveStore(w);
}

/** Hands the store to a worker; one that misses it (dying, busy past its end) asks over the bridge as before. */
function giveStore(worker: EngineWorker): Promise<void> {
  const sab = store!.sab;
  return worker.call((api) => api.attachStore(sab)).catch(() => undefined);
}

export function registerBlockReader(src: BlockReader): number {
  const id = nextFileId++;
  sources.set(id, src);
  if (src.onBlock) {
    publishing++;
    ensureStore();
    src.onBlock((index, bytes, wants) => store?.publish(id, index, bytes, wants));
  }
  return id;
}

export function unregisterBlockReader(id: number): void {
  const src = sources.get(id);
  if (src?.onBlock) {
    publishing--;
    src.onBlock(null);
  }
  src?.close();
  sources.delete(id);
}

/** Bytes of shared memory the block store holds (0 until a remote file is read with the blocking bridge). */
export function sharedStoreBytes(): number {
  return store?.sab.byteLength ?? 0;
}

export function blockReader(id: number): BlockReader | undefined {
  return sources.get(id);
}

function sourceOrFail(id: number): BlockReader {
  const s = sources.get(id);
  if (!s) throw new EngineError('ENGINE_CLOSED', `lazy file ${id} is closed`);
  return s;
}

/** Connects a worker to the blocking bridge: its lazy-file reads wait here for the host's fetches. */
export async function connectBlockingBridge(worker: EngineWorker, timeoutMs: number): Promise<void> {
  const sab = new SharedArrayBuffer(BRIDGE.HEADER_BYTES + BRIDGE_CAPACITY);
  const ctrl = new Int32Array(sab, 0, 4);
  const data = new Uint8Array(sab, BRIDGE.HEADER_BYTES);
  const { port1, port2 } = new MessageChannel();
  const reply = (state: number, bytes: Uint8Array) => {
    data.set(bytes.subarray(0, data.byteLength));
    ctrl[1] = Math.min(bytes.byteLength, data.byteLength);
    Atomics.store(ctrl, 0, state);
    Atomics.notify(ctrl, 0);
  };
  port1.addEventListener('message', (ev: MessageEvent) => {
    const { fileId, first, count } = ev.data as { fileId: number; first: number; count: number };
    Promise.resolve()
      .then(() => sourceOrFail(fileId).readBlocks(first, count))
      .then(
        (bytes) => reply(BRIDGE.DONE, bytes),
        (e) => reply(BRIDGE.FAILED, new TextEncoder().encode(JSON.stringify(serializeError(e)))),
      );
  });
  port1.start();
  worker.onDeath(() => {
    port1.close();
    bridged.delete(worker);
  });
  await worker.call((api) => api.attachBridge(sab, Comlink.transfer(port2, [port2]) as MessagePort, timeoutMs));
  bridged.add(worker);
  if (store) await giveStore(worker);
  else ensureStore();
  // Node: the port alone must not keep the process alive (the worker itself is unref'd).
  (port1 as { unref?: () => void }).unref?.();
}

/**
 * Runs a worker call that may read lazy files. In replay mode a call that missed blocks fails with
 * `needBytes`; the blocks are fetched (through the shared cache), handed to the worker and the call
 * repeated. With the blocking bridge the first attempt succeeds and this adds nothing.
 */
export async function withBytes<T>(worker: EngineWorker, label: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  for (let round = 0; ; round++) {
    try {
      return await fn();
    } catch (e) {
      const need = e instanceof GeotensorError ? (e.details.needBytes as [number, number, number][] | undefined) : undefined;
      if (!need) throw e;
      if (round >= MAX_REPLAYS) throw new RemoteError('REMOTE_FAILED', `${label}: still missing bytes after ${MAX_REPLAYS} fetch rounds`, { input: label });
      await Promise.all(
        need.map(async ([fileId, first, count]) => {
          const bytes = (await sourceOrFail(fileId).readBlocks(first, count, signal)).slice();
          await worker.call((api) => api.supply(fileId, first, Comlink.transfer(bytes, [bytes.buffer])), signal);
        }),
      );
    }
  }
}
