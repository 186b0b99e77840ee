/**
 * Worker side of the shared block store (layout in src/engine/protocol.ts, STORE; the host writes it
 * in src/engine/shared-blocks.ts): a block the host has already fetched is copied from shared memory
 * here, with no message to the host and no wait for its event loop.
 */
import { STORE, storeSlot, storeViews } from '../src/engine/protocol.js';

/** One number for block `index` of file `fileId` (file ids are above -2^20; blocks below 2^32): the key of a worker's caches. */
export function blockKey(fileId: number, index: number): number {
  return (fileId + 2 ** 20) * 2 ** 32 + index;
}

export class SharedBlocks {
  private readonly meta: Int32Array;
  private readonly data: Uint8Array;
  /** Blocks copied from the store so far (EngineStats.storeBlocks). */
  copied = 0;
  /**
   * Blocks the current GDAL call has counted as read (`take`, `touch`). The host publishes a block
   * with one "want" per sample whose prefetch asked for it, so a call counts each block once, however
   * many reads GDAL makes of it (a COG tile's size before it, the tile, the C library's buffer
   * refills). Counting every read let a slot go while another worker's sample still wanted it; that
   * worker then asked the host for the block and waited.
   */
  private readonly counted = new Set<number>();

  constructor(sab: SharedArrayBuffer) {
    ({ meta: this.meta, data: this.data } = storeViews(sab));
  }

  /**
   * A copy of block `index` of file `fileId` if the store holds it whole, else null. `expected` is
   * the block's length (the file's block size, less for its last block): a slot of another length
   * is not taken. The copy is made into `into` (`expected` bytes) where given, else into a new buffer.
   */
  take(fileId: number, index: number, expected: number, into: Uint8Array | null = null): Uint8Array | null {
    const { meta } = this;
    const slot = storeSlot(meta, fileId, index);
    if (slot < 0) return null;
    const m = slot * STORE.WORDS;
    const seq = Atomics.load(meta, m);
    // Odd: being written. The key again after seq: the slot may have been rewritten since it was found.
    if (seq & 1 || Atomics.load(meta, m + 1) !== fileId || Atomics.load(meta, m + 2) !== index) return null;
    if (Atomics.load(meta, m + 3) !== expected) return null;
    const at = slot * STORE.SLOT_BYTES;
    let copy: Uint8Array;
    if (into) {
      into.set(this.data.subarray(at, at + expected));
      copy = into;
    } else copy = this.data.slice(at, at + expected);
    // The host rewrote the slot while this copied: the copy may be torn, so it is not used.
    if (Atomics.load(meta, m) !== seq) return null;
    if (this.counts(fileId, index)) Atomics.add(meta, m + 5, 1);
    this.copied++;
    return copy;
  }

  /** A new GDAL call begins: each block it reads counts once more. */
  newCall(): void {
    this.counted.clear();
  }

  /** Whether this read of the block is the current call's first (then it counts in the store). */
  private counts(fileId: number, index: number): boolean {
    const k = blockKey(fileId, index);
    if (this.counted.has(k)) return false;
    this.counted.add(k);
    return true;
  }

  /** Counts a read of block `index` of file `fileId` served from the worker's own cache as a copy, once per call (the host may reuse its slot once every prefetched read is done). */
  touch(fileId: number, index: number): void {
    if (!this.counts(fileId, index)) return;
    const slot = storeSlot(this.meta, fileId, index);
    if (slot >= 0) Atomics.add(this.meta, slot * STORE.WORDS + 5, 1);
  }
}
