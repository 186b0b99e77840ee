/** Remote read counts summed over several byte sources (a mosaic's files, a stack's members). */
import type { RemoteStats } from './types.js';

/** The sum of the given stats, null when there are none (no remote source). */
export function sumStats(stats: (RemoteStats | null | undefined)[]): RemoteStats | null {
  const all = stats.filter((s): s is RemoteStats => !!s);
  if (all.length === 0) return null;
  return all.reduce((a, b) => ({
    requests: a.requests + b.requests,
    bytesFetched: a.bytesFetched + b.bytesFetched,
    cacheHits: a.cacheHits + b.cacheHits,
    cacheMisses: a.cacheMisses + b.cacheMisses,
    cachedBytes: a.cachedBytes + b.cachedBytes,
    cacheEvictions: a.cacheEvictions + b.cacheEvictions,
    retries: a.retries + b.retries,
    size: a.size + b.size,
  }));
}
