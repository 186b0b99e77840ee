/**
 * An LRU cache of fixed-size blocks of one file, shared by every sample and worker reading it, bounded
 * by its source's budget (cache-budget.ts: the files of a mosaic share one). Missing blocks that are
 * adjacent are fetched with one request (up to a size cap); a block being fetched is awaited by later
 * readers instead of fetched twice.
 */
import type { BudgetMember, CacheBudget } from './cache-budget.js';

export type FetchRun = (first: number, count: number, signal?: AbortSignal) => Promise<Uint8Array>;
/** A block entering the cache or asked for again: `wants` counts the prefetches (upcoming reads) that asked for it. */
export type BlockListener = (index: number, data: Uint8Array, wants: number) => void;

export class BlockCache implements BudgetMember {
  private readonly blocks = new Map<number, Uint8Array>();
  /** The budget's stamp of each cached block's last use. */
  private readonly used = new Map<number, number>();
  private closed = false;
  private readonly inflight = new Map<number, Promise<Uint8Array>>();
  private bytes = 0;
  /**
   * Buffers of fetched runs, each with the number of its blocks cached: a block is a view into its
   * run's buffer (not a copy), and the cache counts the whole buffer while any of its blocks is kept.
   */
  private runs = new WeakMap<ArrayBufferLike, number>();
  hits = 0;
  misses = 0;
  /** Blocks let go to keep the source within its budget (not those of a closed file). */
  evictions = 0;
  /** Adaptive read-ahead (as GDAL's /vsicurl/): grows while fetches continue where the last one ended. */
  private readAhead = 0;
  private nextSequential = -1;

  constructor(
    readonly blockSize: number,
    readonly fileSize: number,
    private readonly budget: CacheBudget,
    private readonly maxRunBlocks: number,
    private readonly fetchRun: FetchRun,
  ) {}

  /** Bytes this cache holds now (a fetched run's whole buffer while any of its blocks is kept). */
  get cachedBytes(): number {
    return this.bytes;
  }

  get blockCount(): number {
    return Math.ceil(this.fileSize / this.blockSize);
  }

  /** Called with each block as it enters the cache, and as prefetches ask for it again. */
  private listener: BlockListener | null = null;
  /** Prefetches waiting for each block being fetched. */
  private readonly wants = new Map<number, number>();

  /** Seeds a block (e.g. the first one, fetched while probing the file). */
  put(index: number, data: Uint8Array): void {
    if (this.closed || this.blocks.has(index)) return;
    this.blocks.set(index, data);
    this.used.set(index, this.budget.use(this, index));
    const n = this.runs.get(data.buffer);
    if (n === undefined) this.account(data.byteLength);
    else {
      if (n === 0) this.account(data.buffer.byteLength);
      this.runs.set(data.buffer, n + 1);
    }
    const wants = this.wants.get(index) ?? 0;
    this.wants.delete(index);
    this.listener?.(index, data, wants);
    this.budget.settle();
  }

  /** Calls `listener` with each block as it enters the cache (those cached already first) and as prefetches ask for it again; null stops. */
  onBlock(listener: BlockListener | null): void {
    this.listener = listener;
    if (listener) for (const [i, b] of this.blocks) listener(i, b, 0);
  }

  /** The cached blocks, lowest numbers first, at most `max` of them (what a source index keeps). */
  snapshot(max: number): Map<number, Uint8Array> {
    return new Map([...this.blocks].sort((a, b) => a[0] - b[0]).slice(0, max));
  }

  /** Blocks first … first+count-1, concatenated. */
  async read(first: number, count: number, signal?: AbortSignal): Promise<Uint8Array> {
    const last = Math.min(first + count, this.blockCount) - 1;
    const parts: (Uint8Array | Promise<Uint8Array>)[] = [];
    let runStart = -1;
    const flushRun = (end: number) => {
      if (runStart < 0) return;
      // Sequential reading (a COG read row by row): fetch ahead, doubling up to the request cap.
      this.readAhead = runStart === this.nextSequential ? Math.min(this.maxRunBlocks, Math.max(2, this.readAhead * 2)) : 0;
      let ahead = 0;
      while (ahead < this.readAhead && end + ahead < this.blockCount && !this.blocks.has(end + ahead) && !this.inflight.has(end + ahead)) ahead++;
      this.nextSequential = end + ahead;
      const total = end + ahead;
      this.start(runStart, total - runStart, signal).forEach((one, i) => {
        const idx = runStart + i;
        if (idx < end) parts[idx - first] = one;
        else one.catch(() => undefined); // read-ahead: a failure is not this read's failure
      });
      runStart = -1;
    };
    for (let idx = first; idx <= last; idx++) {
      const hit = this.blocks.get(idx);
      if (hit) {
        flushRun(idx);
        this.touch(idx);
        this.hits++;
        parts[idx - first] = hit;
        continue;
      }
      const pending = this.inflight.get(idx);
      if (pending) {
        flushRun(idx);
        this.hits++;
        parts[idx - first] = pending;
        continue;
      }
      this.misses++;
      if (runStart < 0) runStart = idx;
    }
    flushRun(last + 1);
    const got = await Promise.all(parts);
    if (got.length === 1) return got[0];
    const out = new Uint8Array(got.reduce((n, b) => n + b.byteLength, 0));
    let o = 0;
    for (const b of got) {
      out.set(b, o);
      o += b.byteLength;
    }
    return out;
  }

  /**
   * Fetches the blocks of first … first+count-1 that are neither cached nor being fetched (no
   * read-ahead), resolving when they are in; failures are left to the read that needs the block.
   */
  async prefetch(first: number, count: number, signal?: AbortSignal): Promise<void> {
    const last = Math.min(first + count, this.blockCount) - 1;
    const waits: Promise<unknown>[] = [];
    let runStart = -1;
    const flush = (end: number) => {
      if (runStart >= 0) for (const p of this.start(runStart, end - runStart, signal)) waits.push(p.catch(() => undefined));
      runStart = -1;
    };
    for (let idx = first; idx <= last; idx++) {
      const hit = this.blocks.get(idx);
      if (hit) {
        // Wanted again soon: to the recent end, and offered to the listener again (the workers' shared
        // store may have let this one go).
        this.touch(idx);
        this.listener?.(idx, hit, 1);
        flush(idx);
        continue;
      }
      this.wants.set(idx, (this.wants.get(idx) ?? 0) + 1);
      if (this.inflight.has(idx)) flush(idx);
      else if (runStart < 0) runStart = idx;
    }
    flush(last + 1);
    await Promise.all(waits);
  }

  /** Missing blocks s … s+n-1 fetched in runs of at most maxRunBlocks; a promise per block, cached when in. */
  private start(s0: number, n0: number, signal?: AbortSignal): Promise<Uint8Array>[] {
    const out: Promise<Uint8Array>[] = [];
    for (let s = s0; s < s0 + n0; s += this.maxRunBlocks) {
      const n = Math.min(this.maxRunBlocks, s0 + n0 - s);
      const p = this.fetchRun(s, n, signal);
      for (let i = 0; i < n; i++) {
        const idx = s + i;
        const one = p.then((buf) => this.slice(buf, i, idx));
        this.inflight.set(idx, one);
        one.then(
          (b) => {
            this.inflight.delete(idx);
            this.put(idx, b);
          },
          () => {
            this.inflight.delete(idx);
            this.wants.delete(idx);
          },
        );
        out.push(one);
      }
    }
    return out;
  }

  /** Empties the cache for good (its file is closed): its bytes go back to the budget, and blocks still arriving are not kept. */
  clear(): void {
    this.closed = true;
    for (const stamp of this.used.values()) this.budget.forget(stamp);
    this.blocks.clear();
    this.used.clear();
    this.runs = new WeakMap();
    this.account(-this.bytes);
  }

  drop(index: number): void {
    const b = this.blocks.get(index);
    if (!b) return;
    this.evictions++;
    this.blocks.delete(index);
    this.used.delete(index);
    const n = this.runs.get(b.buffer);
    if (n === undefined) this.account(-b.byteLength);
    else if (n > 1) this.runs.set(b.buffer, n - 1);
    else {
      this.runs.delete(b.buffer);
      this.account(-b.buffer.byteLength);
    }
  }

  /** A block used again: the most recent in the budget. */
  private touch(idx: number): void {
    const was = this.used.get(idx);
    if (was !== undefined) this.budget.forget(was);
    this.used.set(idx, this.budget.use(this, idx));
  }

  private account(bytes: number): void {
    this.bytes += bytes;
    this.budget.add(bytes);
  }

  private slice(buf: Uint8Array, i: number, idx: number): Uint8Array {
    const start = i * this.blockSize;
    const len = Math.min(this.blockSize, this.fileSize - idx * this.blockSize);
    // A buffer of its own (what fetch gives): its blocks are views into it, counted as the whole buffer.
    if (buf.byteOffset !== 0 || buf.byteLength !== buf.buffer.byteLength) return buf.slice(start, start + len);
    if (!this.runs.has(buf.buffer)) this.runs.set(buf.buffer, 0);
    return buf.subarray(start, start + len);
  }
}
