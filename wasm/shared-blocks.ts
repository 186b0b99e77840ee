/**
 * Worker side of the shared block store (layout in src/engine/protocol.ts, STORE; the host writes it
 * in src/engine/shared-blocks.ts): a block the host has already fetched is copied from shared memory
 * here, with no message to the host and no wait for its event loop.
 */
import { STORE, storeSet } from '../src/engine/protocol.js';

export class SharedBlocks {
  private readonly meta: Int32Array;
  private readonly data: Uint8Array;
  /** Blocks copied from the store so far (EngineStats.storeBlocks). */
  copied = 0;

  constructor(sab: SharedArrayBuffer) {
    const slots = STORE.SETS * STORE.WAYS;
    this.meta = new Int32Array(sab, 0, slots * STORE.WORDS);
    this.data = new Uint8Array(sab, slots * STORE.WORDS * 4);
  }

  /**
   * A copy of block `index` of file `fileId` if the store holds it whole, else null. `expected` is
   * the block's length (the file's block size, less for its last block): a slot of another length
   * is not taken.
   */
  take(fileId: number, index: number, expected: number): Uint8Array | null {
    const { meta } = this;
    const base = storeSet(fileId, index) * STORE.WAYS;
    for (let w = 0; w < STORE.WAYS; w++) {
      const m = (base + w) * STORE.WORDS;
      const seq = Atomics.load(meta, m);
      if (seq & 1 || Atomics.load(meta, m + 1) !== fileId || Atomics.load(meta, m + 2) !== index) continue;
      if (Atomics.load(meta, m + 3) !== expected) return null;
      const at = (base + w) * STORE.SLOT_BYTES;
      const copy = this.data.slice(at, at + expected);
      // The host rewrote the slot while this copied: the copy may be torn, so it is not used.
      if (Atomics.load(meta, m) !== seq) return null;
      Atomics.add(meta, m + 5, 1);
      this.copied++;
      return copy;
    }
    return null;
  }

  /** Counts a read of block `index` of file `fileId` served from the worker's own cache as a copy (the host may reuse its slot once every prefetched read is done). */
  touch(fileId: number, index: number): void {
    const { meta } = this;
    const base = storeSet(fileId, index) * STORE.WAYS;
    for (let w = 0; w < STORE.WAYS; w++) {
      const m = (base + w) * STORE.WORDS;
      if (Atomics.load(meta, m + 1) === fileId && Atomics.load(meta, m + 2) === index) {
        Atomics.add(meta, m + 5, 1);
        return;
      }
    }
  }
}
