/**
 * The bytes the host's block caches of one source may hold together (`remote.cacheBytes`). A mosaic
 * or a list of remote files opened as one source shares one budget among its files' caches. When a
 * block enters and the budget is exceeded, the least recently used block of any of those caches goes
 * first.
 *
 * Before, each file had a budget of its own. W3's mosaic of 200 COGs kept every block it fetched:
 * 680 MB against the documented 64 MiB.
 */

/** What the budget needs of a member cache. */
export interface BudgetMember {
  /** When its least recently used block was last used (a stamp from `stamp()`), Infinity when it holds none. */
  oldestUse(): number;
  /** Drops its least recently used block (the bytes it frees are given back with `release`). */
  dropOldest(): void;
}

export class CacheBudget {
  private used = 0;
  private clock = 0;
  private readonly members = new Set<BudgetMember>();

  constructor(readonly capacityBytes: number) {}

  /** Bytes the member caches hold now. */
  get bytes(): number {
    return this.used;
  }

  join(m: BudgetMember): void {
    this.members.add(m);
  }

  /** A member that is closed: it has given back its bytes with `release` first. */
  leave(m: BudgetMember): void {
    this.members.delete(m);
  }

  /** A use of a block, in order: later uses have larger stamps. */
  stamp(): number {
    return ++this.clock;
  }

  take(bytes: number): void {
    this.used += bytes;
  }

  release(bytes: number): void {
    this.used -= bytes;
  }

  /** Drops the least recently used blocks of any member until the members hold no more than the budget. */
  settle(): void {
    while (this.used > this.capacityBytes) {
      let oldest: BudgetMember | null = null;
      let when = Number.POSITIVE_INFINITY;
      for (const m of this.members) {
        const t = m.oldestUse();
        if (t < when) {
          when = t;
          oldest = m;
        }
      }
      if (!oldest) return;
      oldest.dropOldest();
    }
  }
}
