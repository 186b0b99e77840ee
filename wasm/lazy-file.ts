/**
 * Worker side of byte sources GDAL reads synchronously while the bytes arrive asynchronously
 * (remote files, Blobs): Emscripten files whose `read` is served from a block cache in the worker,
 * filled in one of three ways —
 *
 * - blocking bridge: the worker posts a request to the host and waits on a SharedArrayBuffer with
 *   `Atomics.wait` while the host fetches (Node, Deno, cross-origin-isolated browser pages);
 * - replay: a missing block makes the read fail (EIO) and is recorded; the host fetches the missing
 *   blocks, hands them in with `supply`, and the call is replayed (edge runtimes, where the engine runs
 *   in-thread, and browser pages that are not cross-origin isolated);
 * - a synchronous reader in the worker (local files, bytes, Blobs through FileReaderSync).
 *
 * Every file has an owner (the dataset it was opened for): while GDAL works for one dataset
 * (`owner`), a read of another dataset's file fails with a SourceError (SOURCE_UNSAFE). That is
 * the sandbox's wall between sources sharing a worker (see sandbox.ts).
 */
import { BRIDGE, STORE } from '../src/engine/protocol.js';
import { deserializeError, EngineError, GeotensorError, isSerializedError, SourceError } from '../src/core/errors.js';
import { fsFailure } from '../src/core/fs-failure.js';
import { BlockSlab } from './block-slab.js';
import { SharedBlocks, blockKey } from './shared-blocks.js';

interface PortLike {
  postMessage(msg: unknown): void;
}

/** The worker end of the blocking bridge. */
export class BlockingBridge {
  private readonly ctrl: Int32Array;
  private readonly data: Uint8Array;
  constructor(
    sab: SharedArrayBuffer,
    private readonly port: PortLike,
    private readonly timeoutMs: number,
  ) {
    this.ctrl = new Int32Array(sab, 0, 4);
    this.data = new Uint8Array(sab, BRIDGE.HEADER_BYTES);
  }

  /** Requests made, and the milliseconds spent waiting for their answers (EngineStats). */
  requests = 0;
  waitMs = 0;

  get capacity(): number {
    return this.data.byteLength;
  }

  request(fileId: number, first: number, count: number): Uint8Array {
    Atomics.store(this.ctrl, 0, BRIDGE.WAITING);
    const t0 = performance.now();
    this.port.postMessage({ fileId, first, count });
    const r = Atomics.wait(this.ctrl, 0, BRIDGE.WAITING, this.timeoutMs);
    this.requests++;
    this.waitMs += performance.now() - t0;
    const state = Atomics.load(this.ctrl, 0);
    const len = this.ctrl[1];
    Atomics.store(this.ctrl, 0, BRIDGE.IDLE);
    if (state === BRIDGE.DONE) return this.data.slice(0, len);
    if (state === BRIDGE.FAILED) {
      const s = JSON.parse(new TextDecoder().decode(this.data.slice(0, len)));
      throw isSerializedError(s) ? deserializeError(s) : new EngineError('ENGINE_FAILED', String(s));
    }
    throw new EngineError('ENGINE_FAILED', `no bytes from the host within ${this.timeoutMs} ms (${r})`);
  }
}

export interface LazyFile {
  size: number;
  blockSize: number;
  label: string;
  /** The dataset the file belongs to: only GDAL work for that dataset may read it. */
  owner: number;
  /** Synchronous reader of a byte range (local files, bytes, Blobs), else blocks come from the bridge or replay. */
  reader?: (start: number, end: number) => Uint8Array;
  /** Whether the reader's bytes count in `totalBytesRead` (Blob slices do; local files and bytes do not). */
  counted?: boolean;
  /** Called when the file is removed (closes a local file). */
  onRemove?: () => void;
}

/** No dataset: GDAL work that reads no source (CRS lookups, encoding). */
export const NO_OWNER = -1;

const EIO = 29;

export class LazyFiles {
  private readonly files = new Map<number, LazyFile>();
  private readonly cache = new Map<number, Uint8Array>();
  private cached = 0;
  /**
   * Blocks GDAL read while opening a dataset (its header: IFDs, tile offsets), kept apart from the
   * LRU until their file goes, up to half the capacity. GDAL reads them again later (a mosaic's VRT
   * opens its files on first use; libtiff loads tile offsets as tiles are read), and a stream of tile
   * data through the LRU would have evicted them: each return cost a round trip to the host.
   */
  private readonly pinned = new Map<number, Uint8Array>();
  private pinnedBytes = 0;
  /** Whether GDAL is opening a dataset now (blocks read are pinned). */
  pinning = false;
  private readonly misses = new Map<number, Set<number>>();
  private error: GeotensorError | null = null;
  private nextLocalId = -1;
  bridge: BlockingBridge | null = null;
  /** Blocks the host has fetched, copied from shared memory (with the blocking bridge). */
  store: SharedBlocks | null = null;
  /** Bytes read from every lazy file so far (remote blocks received, Blob slices read). */
  totalBytesRead = 0;
  /** The dataset GDAL is working for now, and its label (for errors). */
  owner = NO_OWNER;
  ownerLabel = '';

  constructor(
    // biome-ignore lint/suspicious/noExplicitAny: Emscripten's FS has no type declarations
    private readonly FS: any,
    private readonly capacityBytes = 32 << 20,
  ) {
    this.slab = new BlockSlab(Math.floor(capacityBytes / STORE.SLOT_BYTES), STORE.SLOT_BYTES);
  }

  /** Where blocks copied from the shared store are kept (no allocation per block). */
  private readonly slab: BlockSlab;

  /**
   * A GDAL call begins (an open, a window read) for dataset `owner` (`label` in errors): only its files
   * may be read, its header blocks are kept while `pinning`, and its blocks count afresh in the shared store.
   */
  beginCall(owner: number, label: string, pinning: boolean): void {
    this.owner = owner;
    this.ownerLabel = label;
    this.pinning = pinning;
    this.store?.newCall();
  }

  /** Creates `dir/name` as a lazy file of `size` bytes. Returns the file id. */
  create(dir: string, name: string, f: LazyFile, fileId?: number): { path: string; fileId: number } {
    const id = fileId ?? this.nextLocalId--;
    this.files.set(id, f);
    const FS = this.FS;
    const node = FS.createFile(dir, name, { isDevice: false, contents: { length: f.size } }, true, false);
    Object.defineProperties(node, { usedBytes: { get: () => f.size } });
    const ops = { ...node.stream_ops };
    const path = `${dir}/${name}`;
    ops.read = (_stream: unknown, buffer: Int8Array, offset: number, length: number, position: number) => this.read(id, path, buffer, offset, length, position);
    ops.write = () => {
      throw new FS.ErrnoError(EIO);
    };
    ops.mmap = () => {
      throw new FS.ErrnoError(EIO);
    };
    node.stream_ops = ops;
    return { path: `${dir}/${name}`, fileId: id };
  }

  remove(fileId: number): void {
    this.files.get(fileId)?.onRemove?.();
    this.files.delete(fileId);
    const [lo, hi] = [blockKey(fileId, 0), blockKey(fileId + 1, 0)];
    for (const k of [...this.cache.keys()]) {
      if (k >= lo && k < hi) {
        const b = this.cache.get(k)!;
        this.cached -= b.byteLength;
        this.cache.delete(k);
        this.slab.letGo(b);
      }
    }
    for (const [k, b] of [...this.pinned]) {
      if (k >= lo && k < hi) {
        this.pinnedBytes -= b.byteLength;
        this.pinned.delete(k);
        this.slab.letGo(b);
      }
    }
    this.misses.delete(fileId);
  }

  /** Blocks handed in by the host (replay). */
  supply(fileId: number, first: number, bytes: Uint8Array): void {
    const f = this.files.get(fileId);
    if (!f) return;
    this.totalBytesRead += bytes.byteLength;
    if (bytes.byteLength <= f.blockSize) this.put(fileId, first, bytes);
    else for (let i = 0, o = 0; o < bytes.byteLength; i++, o += f.blockSize) this.put(fileId, first + i, bytes.slice(o, o + f.blockSize));
  }

  /** The shared block store (src/engine/shared-blocks.ts), handed in once the host has a remote file open. */
  attachStore(sab: SharedArrayBuffer): void {
    this.store = new SharedBlocks(sab);
  }

  /** What reading lazy files has cost this worker (EngineStats). */
  stats(): { lazyBytesRead: number; bridgeRequests: number; bridgeWaitMs: number; storeBlocks: number } {
    return { lazyBytesRead: this.totalBytesRead, bridgeRequests: this.bridge?.requests ?? 0, bridgeWaitMs: this.bridge?.waitMs ?? 0, storeBlocks: this.store?.copied ?? 0 };
  }

  /** Blocks that were missing since the last call, as runs [fileId, first, count]. */
  takeMisses(): [number, number, number][] {
    const out: [number, number, number][] = [];
    for (const [fileId, set] of this.misses) {
      const sorted = [...set].sort((a, b) => a - b);
      for (let i = 0; i < sorted.length; ) {
        let j = i;
        while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
        out.push([fileId, sorted[i], j - i + 1]);
        i = j + 1;
      }
    }
    this.misses.clear();
    return out;
  }

  /** The first error the host reported for a block since the last call (e.g. an HTTP 404). */
  takeError(): GeotensorError | null {
    const e = this.error;
    this.error = null;
    return e;
  }

  private put(fileId: number, block: number, data: Uint8Array): void {
    this.putKey(blockKey(fileId, block), data);
  }

  private putKey(k: number, data: Uint8Array): void {
    if (this.has(k)) {
      this.slab.letGo(data);
      return;
    }
    if (this.pinning && this.pinnedBytes + data.byteLength <= this.capacityBytes / 2) {
      this.pinned.set(k, data);
      this.pinnedBytes += data.byteLength;
      return;
    }
    this.cache.set(k, data);
    this.cached += data.byteLength;
    for (const [key, b] of this.cache) {
      if (this.cached + this.pinnedBytes <= this.capacityBytes) break;
      this.cache.delete(key);
      this.cached -= b.byteLength;
      this.slab.letGo(b);
    }
  }

  private has(k: number): boolean {
    return this.pinned.has(k) || this.cache.has(k);
  }

  /** A cached block (moved to the LRU's recent end, or pinned while GDAL opens a dataset). */
  private lookup(k: number): Uint8Array | undefined {
    const pin = this.pinned.get(k);
    if (pin) return pin;
    const hit = this.cache.get(k);
    if (!hit) return undefined;
    this.cache.delete(k);
    this.cached -= hit.byteLength;
    this.putKey(k, hit);
    return hit;
  }

  private read(fileId: number, path: string, buffer: Int8Array, offset: number, length: number, position: number): number {
    this.slab.settle(); // slots let go by earlier reads: no view into them is held now
    const f = this.files.get(fileId);
    if (!f) throw new this.FS.ErrnoError(EIO);
    if (f.owner !== this.owner) {
      this.error ??= new SourceError('SOURCE_UNSAFE', `${this.ownerLabel || 'GDAL'}: refers to ${path}, a file it was not opened with (each source reads only its own files)`, {
        input: this.ownerLabel,
      });
      throw new this.FS.ErrnoError(EIO);
    }
    if (position >= f.size || length <= 0) return 0;
    const end = Math.min(f.size, position + length);
    if (f.reader) {
      let bytes: Uint8Array;
      try {
        bytes = f.reader(position, end);
      } catch (e) {
        this.error ??= new SourceError('SOURCE_UNREADABLE', `${f.label}: ${fsFailure(e, 'read').why}`, { input: f.label });
        throw new this.FS.ErrnoError(EIO);
      }
      if (f.counted) this.totalBytesRead += bytes.byteLength;
      buffer.set(new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset);
      return bytes.byteLength;
    }
    const bs = f.blockSize;
    const b0 = Math.floor(position / bs);
    const b1 = Math.floor((end - 1) / bs);
    const blocks: Uint8Array[] = [];
    let missing = false;
    for (let b = b0; b <= b1; b++) {
      const k = blockKey(fileId, b);
      const hit = this.lookup(k);
      if (hit) {
        this.store?.touch(fileId, b);
        blocks.push(hit);
      } else {
        missing = true;
        break;
      }
    }
    if (missing) {
      blocks.length = 0;
      if (this.store) {
        // Blocks the host already has (prefetched) come from the shared store, without asking it.
        for (let b = b0; b <= b1; b++) {
          if (this.has(blockKey(fileId, b))) continue;
          const len = Math.min(bs, f.size - b * bs);
          const into = this.slab.claim(len);
          const got = this.store.take(fileId, b, len, into);
          if (got) this.supply(fileId, b, got);
          else if (into) this.slab.unclaim(into);
        }
      }
      if (!this.bridge) {
        // Replay: remember every block of this read (and one ahead), fail it; the host fetches and replays.
        let set = this.misses.get(fileId);
        if (!set) this.misses.set(fileId, (set = new Set()));
        const last = Math.min(b1 + 1, Math.ceil(f.size / bs) - 1);
        for (let b = b0; b <= last; b++) if (!this.has(blockKey(fileId, b))) set.add(b);
        throw new this.FS.ErrnoError(EIO);
      }
      const perRequest = Math.max(1, Math.floor(this.bridge.capacity / bs));
      try {
        for (let b = b0; b <= b1; ) {
          if (this.has(blockKey(fileId, b))) {
            b++;
            continue;
          }
          let n = 1;
          while (b + n <= b1 && n < perRequest && !this.has(blockKey(fileId, b + n))) n++;
          const bytes = this.bridge.request(fileId, b, n);
          this.supply(fileId, b, bytes);
          b += n;
        }
      } catch (e) {
        this.error ??= e instanceof GeotensorError ? e : new EngineError('ENGINE_FAILED', `reading ${f.label}: ${(e as Error)?.message ?? e}`);
        throw new this.FS.ErrnoError(EIO);
      }
      for (let b = b0; b <= b1; b++) {
        const hit = this.lookup(blockKey(fileId, b));
        if (!hit) {
          this.error ??= new EngineError('ENGINE_FAILED', `${f.label}: the block cache (${this.capacityBytes} bytes) is too small for one read of ${end - position} bytes`);
          throw new this.FS.ErrnoError(EIO);
        }
        blocks.push(hit);
      }
    }
    let o = offset;
    for (let i = 0; i < blocks.length; i++) {
      const blockStart = (b0 + i) * bs;
      const from = Math.max(position, blockStart) - blockStart;
      const to = Math.min(end, blockStart + blocks[i].byteLength) - blockStart;
      buffer.set(new Int8Array(blocks[i].buffer, blocks[i].byteOffset + from, to - from), o);
      o += to - from;
    }
    return o - offset;
  }
}
