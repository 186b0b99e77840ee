/** Where raster bytes come from (apart from what the bytes mean): shared by HTTP and Blob sources. */
import type { BlockListener } from './block-cache.js';
import type { SourceIndex } from './source-index.js';

/** Options of a remote (HTTP/HTTPS) source. */
export interface RemoteOptions {
  /**
   * Request headers (e.g. `Authorization`, `X-Api-Key`). Sent only to the origin of the URL they were
   * given with (redirects to another origin go without them, unless listed in `headerOrigins`);
   * never logged or put in messages. A URL's `user:password@` becomes an `Authorization: Basic` header.
   */
  headers?: Record<string, string>;
  /** Other origins (e.g. `https://data.example.com`) that redirects may carry `headers` to. */
  headerOrigins?: string[];
  /** One request (headers and body) taking longer than this fails and is retried (default 30,000 ms). */
  timeoutMs?: number;
  /** Retries after a network error, a timeout, a truncated body, 429 or 5xx (default 3). */
  retries?: number;
  /** First retry delay; doubled each retry (default 200 ms). */
  retryDelayMs?: number;
  /** Ends every request of this source (the source fails with an AbortError afterwards). */
  signal?: AbortSignal;
  /** Size of the blocks the source is read and cached by (default 65,536 bytes, a power of two ≥ 4096). */
  blockSize?: number;
  /**
   * Bytes of blocks kept in the host's cache, shared by every sample and worker, and by every remote
   * file of one source (a mosaic's parts: the least recently used block of any of them goes first)
   * (default 64 MiB).
   */
  cacheBytes?: number;
  /** Largest single range request, after merging adjacent blocks (default 8 MiB). */
  maxRequestBytes?: number;
  /**
   * Range requests in flight per origin for fetching the tiles of a flow's upcoming samples before
   * GDAL asks for them (tiled GeoTIFFs and COGs; default 16 in Node and Deno, 8 in pages and edge
   * runtimes; 0 turns prefetching off). The reads a
   * worker is blocked on never wait behind them.
   */
  prefetchRequests?: number;
  /** The fetch to use (default: globalThis.fetch). */
  fetch?: typeof fetch;
  /**
   * A header index (`await SourceIndex.load('index.json')`): files in it open with no request (size,
   * validators and header blocks from the index), files not in it are added once opened; save it with
   * `index.save()`. A file that changed since it was indexed is detected at its first range request
   * and opened again from the network.
   */
  index?: SourceIndex;
}

/** What a byte source has done so far. */
export interface RemoteStats {
  /** HTTP requests sent (retries included) or Blob slices read. */
  requests: number;
  /** Bytes received from the network or read from the Blob. */
  bytesFetched: number;
  /** Blocks served from the host cache. */
  cacheHits: number;
  /** Blocks that had to be fetched. */
  cacheMisses: number;
  /** Bytes the host's block cache holds now (within `remote.cacheBytes` for the whole source). */
  cachedBytes: number;
  /** Blocks the host's cache let go to stay within `remote.cacheBytes` (fetched again if read again). */
  cacheEvictions: number;
  /** Requests that were retried. */
  retries: number;
  /** Size of the file in bytes. */
  size: number;
}

/** A file read by blocks: a remote file over HTTP ranges or a Blob. Host side only. */
export interface BlockReader {
  /** Name for messages (a URL without its query string, a file name). */
  readonly label: string;
  /** A name ending like the file (for GDAL's driver detection). */
  readonly name: string;
  readonly size: number;
  readonly blockSize: number;
  /** Blocks `first … first+count-1` concatenated (the last block of the file may be short). */
  readBlocks(first: number, count: number, signal?: AbortSignal): Promise<Uint8Array>;
  /**
   * Calls `listener` with each block as it enters the cache (those already there first) and as
   * prefetches ask for it again; `wants` counts the prefetches (reads to come) that asked. Null stops.
   */
  onBlock?(listener: BlockListener | null): void;
  stats(): RemoteStats;
  close(): void;
}
