/**
 * Fixed slots of one buffer for the blocks a worker copies from the shared block store
 * (shared-blocks.ts), so that a block costs no allocation of its own. Before, each copy was a new
 * 64 KiB ArrayBuffer: W3's 2,000 samples made about 10,000 of them per worker, and their external
 * memory set off a full garbage collection of the worker every 200 ms or so (26–28 per worker in one
 * W3 flow, each pausing GDAL 4–11 ms), besides the allocations themselves.
 *
 * A slot whose block leaves the worker's cache is free again only from the next read on (`settle`):
 * the read that let it go may still hold a view into it.
 */
export class BlockSlab {
  private buffer: Uint8Array | null = null;
  private readonly free: number[] = [];
  private readonly lettingGo: number[] = [];
  /** Slots never claimed yet: the buffer is made at the first claim, its pages filled as slots are. */
  private fresh = 0;

  constructor(
    private readonly slots: number,
    readonly slotBytes: number,
  ) {}

  /** A view of `len` bytes over a free slot, or null when none is free or `len` is larger than a slot (the caller allocates). */
  claim(len: number): Uint8Array | null {
    if (len > this.slotBytes || len <= 0) return null;
    let s = this.free.pop();
    if (s === undefined) {
      if (this.fresh >= this.slots) return null;
      s = this.fresh++;
    }
    this.buffer ??= new Uint8Array(this.slots * this.slotBytes);
    return this.buffer.subarray(s * this.slotBytes, s * this.slotBytes + len);
  }

  /** A claimed slot that was not filled (the copy failed): free at once. */
  unclaim(view: Uint8Array): void {
    if (this.owns(view)) this.free.push(view.byteOffset / this.slotBytes);
  }

  /** A block that left the cache: its slot (if it has one) is free from the next `settle` on. */
  letGo(view: Uint8Array): void {
    if (this.owns(view)) this.lettingGo.push(view.byteOffset / this.slotBytes);
  }

  /** At the start of a read, when no view into a slot let go is held any more: those slots are free. */
  settle(): void {
    for (const s of this.lettingGo) this.free.push(s);
    this.lettingGo.length = 0;
  }

  private owns(view: Uint8Array): boolean {
    return this.buffer !== null && view.buffer === this.buffer.buffer;
  }
}
