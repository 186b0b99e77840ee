/**
 * A header index that persists: for each remote file opened with it, the file's size, its validators
 * (ETag, Last-Modified) and the blocks GDAL read to open it (the TIFF header, its IFDs and tile
 * offsets). A second process (or a page reload) that opens the same URLs with the index sends no
 * request to open them: the header comes from the index, and the file's identity is checked on the
 * first range request for pixels, as for any remote file; a file that changed since it was indexed
 * fails that check and is opened again from the network (see Raster.readWindow), never mixed.
 *
 * Files are keyed by origin and path; a query string is kept only as its SHA-256 (so a signed URL's
 * token is never written down), or ignored with `ignoreQuery` (signed URLs whose signature changes).
 * The index file is JSON (blocks in base64), written whole or not at all; a file that is not one is a
 * SourceError naming it.
 */
import { ArgumentError, SourceError } from '../core/errors.js';
import { currentRuntime } from '../runtime/index.js';

export interface SourceIndexEntry {
  size: number;
  etag: string | null;
  lastModified: string | null;
  blockSize: number;
  /** Block number → its bytes (each blockSize long, the file's last block possibly shorter). */
  blocks: Map<number, Uint8Array>;
  /**
   * What the engine made of the file when it opened it (its description, JSON), so that the next
   * process need not describe it again; opaque here, checked by the engine before any use.
   */
  description?: Record<string, unknown>;
}

export interface SourceIndexOptions {
  /** Key files by origin and path alone (for signed URLs whose query changes); default false. */
  ignoreQuery?: boolean;
  /** Blocks kept per file (default 32: 2 MiB of 64 KiB blocks, more than a COG's header needs). */
  maxBlocksPerFile?: number;
}

const FORMAT = 'geotensor-source-index';
const VERSION = 1;
/** An index file larger than this is refused (it would not be a header index). */
const MAX_FILE_BYTES = 1 << 30;
/** A file's description larger than this (as JSON) is refused: a raster's is a few KiB. */
const MAX_DESCRIPTION_CHARS = 256 << 10;

export class SourceIndex {
  private readonly entries = new Map<string, SourceIndexEntry>();
  /** Where `save()` writes when given no path: the file it was loaded from, if any. */
  readonly path: string | null;
  readonly ignoreQuery: boolean;
  readonly maxBlocksPerFile: number;
  /** Files opened from the index, and files (re)indexed, since it was made or loaded. */
  hits = 0;
  recorded = 0;

  constructor(options: SourceIndexOptions & { path?: string | null } = {}) {
    this.path = options.path ?? null;
    this.ignoreQuery = options.ignoreQuery ?? false;
    const m = options.maxBlocksPerFile ?? 32;
    if (!Number.isInteger(m) || m < 1) throw new ArgumentError('maxBlocksPerFile', 'a positive integer', m);
    this.maxBlocksPerFile = m;
  }

  /** The index in the file at `path` (Node, Deno), or an empty one that will be saved there if there is none yet. */
  static async load(path: string, options: SourceIndexOptions = {}): Promise<SourceIndex> {
    if (typeof path !== 'string' || !path) throw new ArgumentError('path', 'a file path for the source index', path);
    let bytes: Uint8Array;
    try {
      bytes = await currentRuntime().readFile(path);
    } catch (e) {
      if ((e as { code?: string }).code === 'SOURCE_NOT_FOUND') return new SourceIndex({ ...options, path });
      throw e;
    }
    return SourceIndex.fromBytes(bytes, { ...options, path });
  }

  /** An index from the bytes `toBytes()` gave. */
  static fromBytes(bytes: Uint8Array, options: SourceIndexOptions & { path?: string | null } = {}): SourceIndex {
    const label = options.path ?? 'source index';
    const bad = (why: string) => new SourceError('SOURCE_UNREADABLE', `${label}: is not a geotensor source index (${why})`, { input: label });
    if (!(bytes instanceof Uint8Array)) throw new ArgumentError('source index', 'bytes (Uint8Array)', bytes);
    if (bytes.byteLength > MAX_FILE_BYTES) throw bad(`${bytes.byteLength} bytes, more than ${MAX_FILE_BYTES}`);
    let doc: { format?: unknown; version?: unknown; files?: unknown };
    try {
      doc = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw bad('not JSON');
    }
    if (doc?.format !== FORMAT) throw bad('no "format" member naming it');
    if (doc.version !== VERSION) throw bad(`version ${String(doc.version).slice(0, 20)}, this geotensor reads version ${VERSION}`);
    if (!Array.isArray(doc.files)) throw bad('no "files" list');
    const index = new SourceIndex(options);
    doc.files.forEach((f: Record<string, unknown>, i: number) => {
      const where = `files[${i}]`;
      if (!f || typeof f !== 'object') throw bad(`${where} is not an object`);
      const { key, size, etag, lastModified, blockSize, blocks, description } = f;
      if (typeof key !== 'string' || !/^https?:\/\/[^/]+\//.test(key)) throw bad(`${where}.key is not an http(s) URL`);
      if (!Number.isSafeInteger(size) || (size as number) <= 0) throw bad(`${where}.size is not a positive integer`);
      if (!Number.isSafeInteger(blockSize) || (blockSize as number) < 4096 || ((blockSize as number) & ((blockSize as number) - 1)) !== 0)
        throw bad(`${where}.blockSize is not a power of two ≥ 4096`);
      if (!(etag === null || typeof etag === 'string') || !(lastModified === null || typeof lastModified === 'string'))
        throw bad(`${where} has validators that are not text or null`);
      if (etag === null && lastModified === null) throw bad(`${where} has neither an ETag nor a Last-Modified to check the file by`);
      if (!Array.isArray(blocks) || blocks.length > index.maxBlocksPerFile) throw bad(`${where}.blocks is not a list of at most ${index.maxBlocksPerFile} blocks`);
      const count = Math.ceil((size as number) / (blockSize as number));
      const map = new Map<number, Uint8Array>();
      for (const b of blocks) {
        if (!Array.isArray(b) || !Number.isInteger(b[0]) || b[0] < 0 || b[0] >= count || typeof b[1] !== 'string')
          throw bad(`${where}.blocks has an entry that is not [block number, base64]`);
        let data: Uint8Array;
        try {
          data = Uint8Array.from(atob(b[1]), (c) => c.charCodeAt(0));
        } catch {
          throw bad(`${where}.blocks[${b[0]}] is not base64`);
        }
        const want = b[0] === count - 1 ? (size as number) - b[0] * (blockSize as number) : (blockSize as number);
        if (data.byteLength !== want) throw bad(`${where}.blocks[${b[0]}] has ${data.byteLength} bytes, not ${want}`);
        map.set(b[0], data);
      }
      if (
        description !== undefined &&
        (!description || typeof description !== 'object' || Array.isArray(description) || JSON.stringify(description).length > MAX_DESCRIPTION_CHARS)
      )
        throw bad(`${where}.description is not an object of at most ${MAX_DESCRIPTION_CHARS} characters`);
      const entry: SourceIndexEntry = {
        size: size as number,
        etag: etag as string | null,
        lastModified: lastModified as string | null,
        blockSize: blockSize as number,
        blocks: map,
      };
      if (description) entry.description = revive(description) as Record<string, unknown>;
      index.entries.set(key, entry);
    });
    return index;
  }

  /** Number of files in the index. */
  get size(): number {
    return this.entries.size;
  }

  /** The index as bytes (what `save` writes). */
  toBytes(): Uint8Array {
    const files = [...this.entries].map(([key, e]) => ({
      key,
      size: e.size,
      etag: e.etag,
      lastModified: e.lastModified,
      blockSize: e.blockSize,
      blocks: [...e.blocks].sort((a, b) => a[0] - b[0]).map(([i, d]) => [i, base64(d)]),
      ...(e.description ? { description: e.description } : {}),
    }));
    // JSON has no NaN or infinities (a description's nodata may be one): written as { "$number": "NaN" } (see revive).
    const json = JSON.stringify({ format: FORMAT, version: VERSION, files }, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? { $number: String(v) } : v));
    return new TextEncoder().encode(json);
  }

  /** Writes the index to `path` (default: where it was loaded from), whole or not at all. */
  async save(path: string | null = this.path): Promise<void> {
    if (typeof path !== 'string' || !path) throw new ArgumentError('path', 'a file path for the source index (it was not loaded from one)', path);
    await currentRuntime().writeFile(path, this.toBytes(), 'source index');
  }

  /** The key of a URL: origin and path, and the query's SHA-256 unless `ignoreQuery`. */
  async keyOf(url: string): Promise<string> {
    const u = new URL(url);
    const base = `${u.origin}${u.pathname}`;
    if (!u.search || this.ignoreQuery) return base;
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(u.search)));
    return `${base}?sha256=${Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  }

  /** The entry of `url` for this block size, or null. */
  async lookup(url: string, blockSize: number): Promise<SourceIndexEntry | null> {
    const e = this.entries.get(await this.keyOf(url));
    return e && e.blockSize === blockSize ? e : null;
  }

  /** Records what a file's open read (its size, validators and the blocks cached so far). */
  async record(url: string, entry: SourceIndexEntry): Promise<void> {
    if (entry.etag === null && entry.lastModified === null) return; // nothing to check it by later: not indexed
    const blocks = new Map([...entry.blocks].sort((a, b) => a[0] - b[0]).slice(0, this.maxBlocksPerFile));
    this.entries.set(await this.keyOf(url), { ...entry, blocks });
    this.recorded++;
  }

  /** Forgets `url` (it changed, or the user asks): its next open goes to the network. */
  async forget(url: string): Promise<boolean> {
    return this.entries.delete(await this.keyOf(url));
  }
}

/** Saves the index (see {@link SourceIndex.save}). */
export function saveSourceIndex(index: SourceIndex, path?: string): Promise<void> {
  if (!(index instanceof SourceIndex)) throw new ArgumentError('index', 'a SourceIndex', index);
  return index.save(path ?? index.path);
}

/** JSON has no NaN or infinities (a nodata may be one): they are written as { "$number": "NaN" } and read back. */
function revive(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(revive);
  if (!v || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && keys[0] === '$number' && ['NaN', 'Infinity', '-Infinity'].includes(o.$number as string)) return Number(o.$number);
  return Object.fromEntries(keys.map((k) => [k, revive(o[k])]));
}

function base64(d: Uint8Array): string {
  let s = '';
  for (let i = 0; i < d.length; i += 0x8000) s += String.fromCharCode(...d.subarray(i, i + 0x8000));
  return btoa(s);
}
