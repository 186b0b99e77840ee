/**
 * A remote file read by HTTP range requests through a shared block cache. `RemoteFile.open` probes
 * the server once (first block, file size, Range support) so that a 404 or a server that ignores
 * Range fails at open, with the URL (without its query string) in the message.
 */
import { ArgumentError, RemoteError, redactUrl } from '../core/errors.js';
import { BlockCache, type BlockListener } from './block-cache.js';
import { CacheBudget } from './cache-budget.js';
import { type FileIdentity, fetchRange } from './http.js';
import type { BlockReader, RemoteStats, RemoteOptions } from './types.js';
import type { SourceIndex, SourceIndexEntry } from './source-index.js';
import { currentRuntime } from '../runtime/index.js';

const DEFAULTS = { timeoutMs: 30_000, retries: 3, retryDelayMs: 200, blockSize: 65_536, cacheBytes: 64 << 20, maxRequestBytes: 8 << 20 };

/** Blocks between two prefetched runs fetched with them rather than costing a request of their own. */
const GAP_BLOCKS = 2;

/** Requests in flight per origin for prefetching (demand reads never wait for it). */
class OriginLimit {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  /** Runs `f` once fewer than `limit` runs of this origin are in flight (each source passes its own). */
  async run<T>(limit: number, f: () => Promise<T>): Promise<T> {
    if (this.active >= Math.max(1, limit)) await new Promise<void>((r) => this.queue.push(r));
    this.active++;
    try {
      return await f();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}
const origins = new Map<string, OriginLimit>();

export function isRemoteUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

export class RemoteFile implements BlockReader {
  readonly label: string;
  readonly name: string;
  private readonly cache: BlockCache;
  private requests = 0;
  private bytesFetched = 0;
  private retries = 0;
  private closed = false;
  /** Whether the size, validators and header came from a source index rather than a probe. */
  fromIndex = false;
  /** The engine's description of the file kept in the source index it was opened from (unchecked), else null. */
  indexedDescription: Record<string, unknown> | null = null;

  private constructor(
    private readonly url: string,
    readonly size: number,
    private readonly opts: Required<Omit<RemoteOptions, 'headers' | 'signal' | 'index'>> & Pick<RemoteOptions, 'headers' | 'signal' | 'index'>,
    /** The version read: every later answer must be of it (ETag, Last-Modified, size). */
    private readonly identity: FileIdentity,
    budget: CacheBudget,
  ) {
    this.label = redactUrl(url);
    const base = this.label.split('/').pop() || 'remote';
    this.name = base;
    this.cache = new BlockCache(opts.blockSize, size, budget, Math.max(1, Math.floor(opts.maxRequestBytes / opts.blockSize)), (first, count, signal) =>
      this.fetchBlocks(first, count, signal),
    );
  }

  get blockSize(): number {
    return this.opts.blockSize;
  }

  /**
   * Probes `url` (first block, size, Range support). `signal` cancels the probe only; `options.signal`
   * the source. Files opened with the same `shared` holder (the files of one source: a mosaic) share
   * one cache budget of `remote.cacheBytes`, the first one's; else the file has its own.
   */
  static async open(input: string, options: RemoteOptions = {}, signal?: AbortSignal, shared?: { budget?: CacheBudget }): Promise<RemoteFile> {
    const checked = checkOptions(options);
    const budget = shared ? (shared.budget ??= new CacheBudget(checked.cacheBytes)) : new CacheBudget(checked.cacheBytes);
    const { url, headers } = moveUserinfo(input, checked.headers);
    const opts = { ...checked, headers };
    const label = redactUrl(url);
    const known = opts.index ? await opts.index.lookup(url, opts.blockSize) : null;
    if (known) {
      // Opened from the index: no request; the first range request checks the file is still this one.
      const f = new RemoteFile(url, known.size, opts, { etag: known.etag, lastModified: known.lastModified, size: known.size }, budget);
      f.fromIndex = true;
      f.indexedDescription = known.description ?? null;
      for (const [i, data] of known.blocks) f.cache.put(i, data);
      opts.index!.hits++;
      return f;
    }
    const probeSignal = signal && opts.signal ? anySignal([signal, opts.signal]) : (signal ?? opts.signal);
    const probe = await fetchRange({ url, start: 0, end: opts.blockSize - 1, ...opts, signal: probeSignal });
    const size = probe.total;
    if (size === null) throw new RemoteError('REMOTE_FAILED', `${label}: the server does not say how large the file is (Content-Range without a total)`, { input: label });
    if (size === 0) throw new RemoteError('REMOTE_FAILED', `${label}: is empty (0 bytes)`, { input: label });
    const f = new RemoteFile(url, size, opts, probe.identity, budget);
    f.requests += probe.attempts;
    f.retries += probe.attempts - 1;
    f.bytesFetched += probe.bytes.byteLength;
    for (let i = 0; i * opts.blockSize < probe.bytes.byteLength; i++) f.cache.put(i, probe.bytes.slice(i * opts.blockSize, (i + 1) * opts.blockSize));
    return f;
  }

  readBlocks(first: number, count: number, signal?: AbortSignal): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new RemoteError('REMOTE_FAILED', `${this.label}: the source is closed`, { input: this.label }));
    return this.cache.read(first, count, signal);
  }

  onBlock(listener: BlockListener | null): void {
    this.cache.onBlock(listener);
  }

  /** Bytes [start, end) of the file, through the block cache. */
  async readRange(start: number, end: number, signal?: AbortSignal): Promise<Uint8Array> {
    const bs = this.opts.blockSize;
    const first = Math.floor(start / bs);
    const buf = await this.readBlocks(first, Math.ceil(end / bs) - first, signal);
    return buf.subarray(start - first * bs, end - first * bs);
  }

  /**
   * Fetches byte ranges before GDAL asks for them (a flow's upcoming samples): into blocks, runs of
   * blocks merged across gaps of up to two blocks, at most `prefetchRequests` runs of one origin in
   * flight. Blocks already cached or being fetched are skipped; failures are left to the reads.
   */
  async prefetch(ranges: readonly (readonly [number, number])[], signal?: AbortSignal): Promise<void> {
    const limit = this.opts.prefetchRequests;
    if (this.closed || limit === 0 || ranges.length === 0) return;
    const bs = this.opts.blockSize;
    const runs: [number, number][] = [];
    for (const [a, b] of [...ranges].sort((x, y) => x[0] - y[0])) {
      if (!(b > a)) continue;
      const first = Math.floor(a / bs);
      const end = Math.min(Math.ceil(b / bs), Math.ceil(this.size / bs));
      const last = runs[runs.length - 1];
      if (last && first <= last[1] + GAP_BLOCKS) last[1] = Math.max(last[1], end);
      else runs.push([first, end]);
    }
    const origin = new URL(this.url).origin;
    let gate = origins.get(origin);
    if (!gate) origins.set(origin, (gate = new OriginLimit()));
    const g = gate;
    const cap = Math.max(1, Math.floor(this.opts.maxRequestBytes / bs));
    await Promise.all(
      runs.flatMap(([first, end]) => {
        const parts: Promise<void>[] = [];
        for (let s = first; s < end; s += cap) parts.push(g.run(limit, () => this.cache.prefetch(s, Math.min(cap, end - s), signal)));
        return parts;
      }),
    );
  }

  /** What a source index keeps of this file: size, validators, the blocks cached so far (its header, just after open). */
  indexEntry(): SourceIndexEntry {
    const max = this.opts.index?.maxBlocksPerFile ?? 32;
    return { size: this.size, etag: this.identity.etag, lastModified: this.identity.lastModified, blockSize: this.opts.blockSize, blocks: this.cache.snapshot(max) };
  }

  /** Adds this file to its source index (after GDAL opened it: the header is in the cache). */
  async recordInIndex(description?: Record<string, unknown>): Promise<void> {
    if (this.opts.index && !this.fromIndex) await this.opts.index.record(this.url, { ...this.indexEntry(), ...(description ? { description } : {}) });
  }

  /** Drops this file from its source index (it changed since it was indexed). */
  async forgetInIndex(): Promise<void> {
    await this.opts.index?.forget(this.url);
  }

  stats(): RemoteStats {
    return {
      requests: this.requests,
      bytesFetched: this.bytesFetched,
      cacheHits: this.cache.hits,
      cacheMisses: this.cache.misses,
      cachedBytes: this.cache.cachedBytes,
      cacheEvictions: this.cache.evictions,
      retries: this.retries,
      size: this.size,
    };
  }

  close(): void {
    this.closed = true;
    this.cache.clear();
  }

  private async fetchBlocks(first: number, count: number, signal?: AbortSignal): Promise<Uint8Array> {
    const start = first * this.opts.blockSize;
    const end = Math.min(this.size, (first + count) * this.opts.blockSize) - 1;
    const sig = signal && this.opts.signal ? anySignal([signal, this.opts.signal]) : (signal ?? this.opts.signal);
    const r = await fetchRange({ url: this.url, start, end, ...this.opts, signal: sig, expect: this.identity });
    this.requests += r.attempts;
    this.retries += r.attempts - 1;
    this.bytesFetched += r.bytes.byteLength;
    const bytes = r.whole ? r.bytes.slice(start, end + 1) : r.bytes;
    if (bytes.byteLength !== end - start + 1) {
      throw new RemoteError('REMOTE_FAILED', `${this.label}: sent ${bytes.byteLength} bytes for bytes ${start}-${end}`, { input: this.label });
    }
    return bytes;
  }
}

function checkOptions(o: RemoteOptions) {
  // The prefetch limit's default is the runtime's (its fetch decides how many requests can run at once).
  const defaults = { ...DEFAULTS, prefetchRequests: currentRuntime().prefetchRequests };
  const num = (k: keyof typeof defaults, min: number) => {
    const v = o[k] ?? defaults[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new ArgumentError(`remote.${k}`, `a number ≥ ${min}`, v);
    return v;
  };
  const blockSize = num('blockSize', 4096);
  if ((blockSize & (blockSize - 1)) !== 0) throw new ArgumentError('remote.blockSize', 'a power of two ≥ 4096', blockSize);
  if (o.headers !== undefined && (typeof o.headers !== 'object' || o.headers === null || Object.values(o.headers).some((v) => typeof v !== 'string'))) {
    throw new ArgumentError('remote.headers', 'an object of header names to string values', '(headers not shown)');
  }
  for (const [name, value] of Object.entries(o.headers ?? {})) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new ArgumentError('remote.headers', 'header names made of token characters', '(a header name not shown)');
    if (/[\r\n\0]/.test(value))
      throw new ArgumentError('remote.headers', `header values without CR, LF or NUL (${name.length <= 40 ? name : 'a header'}: value not shown)`, '(value not shown)');
  }
  if (o.headerOrigins !== undefined && (!Array.isArray(o.headerOrigins) || o.headerOrigins.some((x) => typeof x !== 'string' || !/^https?:\/\/[^/]+$/.test(x)))) {
    throw new ArgumentError('remote.headerOrigins', 'a list of origins such as "https://data.example.com"', o.headerOrigins);
  }
  const f = o.fetch ?? globalThis.fetch;
  if (typeof f !== 'function') throw new ArgumentError('remote.fetch', 'a fetch function (this runtime has no global fetch)', f);
  return {
    headers: o.headers,
    headerOrigins: o.headerOrigins ?? [],
    signal: o.signal,
    timeoutMs: num('timeoutMs', 1),
    retries: Math.floor(num('retries', 0)),
    retryDelayMs: num('retryDelayMs', 0),
    blockSize,
    cacheBytes: num('cacheBytes', blockSize),
    maxRequestBytes: num('maxRequestBytes', blockSize),
    prefetchRequests: Math.floor(num('prefetchRequests', 0)),
    fetch: f.bind(globalThis),
    index: checkIndex(o.index),
  };
}

function checkIndex(index: unknown): SourceIndex | undefined {
  if (index === undefined) return undefined;
  const i = index as SourceIndex;
  if (!i || typeof i.lookup !== 'function' || typeof i.record !== 'function') throw new ArgumentError('remote.index', 'a SourceIndex (await SourceIndex.load(path))', index);
  return i;
}

/**
 * `https://user:password@host/…` → the URL without them and an `Authorization: Basic` header (unless
 * the user gave one): fetch refuses URLs with credentials, and they must never be printed.
 */
export function moveUserinfo(input: string, headers: Record<string, string> | undefined): { url: string; headers: Record<string, string> | undefined } {
  let u: URL;
  try {
    u = new URL(input);
  } catch {
    throw new ArgumentError('source', 'a valid http(s) URL', redactUrl(input));
  }
  if (!u.username && !u.password) return { url: input, headers };
  const user = decodeURIComponent(u.username);
  const pass = decodeURIComponent(u.password);
  u.username = '';
  u.password = '';
  const has = Object.keys(headers ?? {}).some((k) => k.toLowerCase() === 'authorization');
  const bytes = new TextEncoder().encode(`${user}:${pass}`);
  const basic = btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''));
  return { url: u.href, headers: has ? headers : { ...headers, Authorization: `Basic ${basic}` } };
}

function anySignal(signals: AbortSignal[]): AbortSignal {
  const any = (AbortSignal as { any?: (s: AbortSignal[]) => AbortSignal }).any;
  if (any) return any(signals);
  const c = new AbortController();
  for (const s of signals) {
    if (s.aborted) {
      c.abort(s.reason);
      break;
    }
    s.addEventListener('abort', () => c.abort(s.reason), { once: true });
  }
  return c.signal;
}
