/**
 * Host side of the shared block store (layout in protocol.ts, STORE): every remote block the host
 * fetches is written once into shared memory, where a worker finds it and copies it without a
 * message to the host. Before it, a worker's every read of a prefetched tile still waited for the
 * host's event loop (busy with fetches, the flow, the batches) to answer over the blocking bridge.
 * Only the host writes (one thread). In a set, a new block takes the first slot from the set's
 * cursor that is empty, whose block workers have copied as often as it was prefetched, or that was
 * last wanted longer ago than the store takes to refill; else the slot at the cursor (the oldest).
 * So blocks prefetched for reads still to come stay while there is room. A block not in the store
 * (never fetched, overwritten since, larger than a slot) is asked for over the bridge as before.
 */
import { STORE, storeSet, storeSlot, storeViews } from './protocol.js';

export class SharedBlockStore {
  readonly sab: SharedArrayBuffer;
  private readonly meta: Int32Array;
  private readonly data: Uint8Array;
  /** The way each set overwrites next. */
  private readonly next = new Uint8Array(STORE.SETS);
  /** Blocks written into the store so far. */
  written = 0;

  constructor() {
    const slots = STORE.SETS * STORE.WAYS;
    this.sab = new SharedArrayBuffer(slots * (STORE.WORDS * 4 + STORE.SLOT_BYTES));
    ({ meta: this.meta, data: this.data } = storeViews(this.sab));
  }

  /** Writes block `index` of file `fileId` (ids are never reused, so a closed file's blocks simply age out). */
  publish(fileId: number, index: number, bytes: Uint8Array, wants: number): void {
    if (bytes.byteLength === 0 || bytes.byteLength > STORE.SLOT_BYTES) return;
    const { meta } = this;
    const held = storeSlot(meta, fileId, index);
    if (held >= 0) {
      const m = held * STORE.WORDS;
      Atomics.add(meta, m + 4, wants); // wanted again
      if (wants) meta[m + 6] = this.written;
      return;
    }
    const set = storeSet(fileId, index);
    const base = set * STORE.WAYS;
    // The next slot from the set's cursor that is empty, copied as often as wanted, or wanted longer
    // ago than the store takes to fill (a prefetched block never read: a tile of a kernel's margin GDAL
    // did not need), else the one at the cursor.
    const stale = this.written - STORE.SETS * STORE.WAYS;
    const from = this.next[set];
    let way = from;
    for (let k = 0; k < STORE.WAYS; k++) {
      const w = (from + k) % STORE.WAYS;
      const m = (base + w) * STORE.WORDS;
      if (meta[m + 1] === 0 || Atomics.load(meta, m + 5) >= meta[m + 4] || meta[m + 6] < stale) {
        way = w;
        break;
      }
    }
    this.next[set] = (way + 1) % STORE.WAYS;
    const slot = base + way;
    const m = slot * STORE.WORDS;
    Atomics.add(meta, m, 1); // odd: readers keep away
    Atomics.store(meta, m + 1, fileId);
    Atomics.store(meta, m + 2, index);
    Atomics.store(meta, m + 3, bytes.byteLength);
    Atomics.store(meta, m + 4, wants);
    Atomics.store(meta, m + 5, 0);
    meta[m + 6] = this.written;
    this.data.set(bytes, slot * STORE.SLOT_BYTES);
    Atomics.add(meta, m, 1); // even: whole again
    this.written++;
  }
}
