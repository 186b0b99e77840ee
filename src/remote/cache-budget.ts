/**
 * The bytes the host's block caches of one source may hold together (`remote.cacheBytes`). A mosaic
 * or a list of remote files opened as one source shares one budget among its files' caches. When a
 * block enters and the budget is exceeded, the least recently used block of any of those caches goes
 * first.
 *
 * Before, each file had a budget of its own. W3's mosaic of 200 COGs kept every block it fetched:
 * 650 MB against the documented 64 MiB.
 */

/** What the budget needs of a member cache. */
export interface BudgetMember {
  /** Drops block `index` (the budget has forgotten its use; the bytes it frees are given back with `add`). */
  drop(index: number): void;
}

export class CacheBudget {
  private used = 0;
  private clock = 0;
  /** Every member's cached blocks, least recently used first: the stamp of its last use → member and block. */
  private readonly order = new Map<number, [BudgetMember, number]>();

  constructor(readonly capacityBytes: number) {}

  /** Bytes the member caches hold now. */
  get bytes(): number {
    return this.used;
  }

  /** A use of block `index` of `member` (it entered or was read): its stamp, the most recent. */
  use(member: BudgetMember, index: number): number {
    const s = ++this.clock;
    this.order.set(s, [member, index]);
    return s;
  }

  /** The use stamped `stamp` no longer counts (the block was used again, or its cache is closed). */
  forget(stamp: number): void {
    this.order.delete(stamp);
  }

  /** Bytes a member took (positive) or gave back (negative). */
  add(bytes: number): void {
    this.used += bytes;
  }

  /** Drops the least recently used blocks of any member until the members hold no more than the budget. */
  settle(): void {
    while (this.used > this.capacityBytes) {
      const next = this.order.entries().next();
      if (next.done) return;
      const [stamp, [member, index]] = next.value;
      this.order.delete(stamp);
      member.drop(index);
    }
  }
}
