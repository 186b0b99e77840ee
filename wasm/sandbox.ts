/**
 * A sandbox per source: the files GDAL may read for one dataset, and nothing else.
 *
 * Each part of a source gets a folder of its own (`/src/<random>/`) holding exactly: the file; its
 * sidecars (files beside it whose names start with its name without extension and a dot:
 * `x.tif.ovr`, `x.tif.aux.xml`, `x.tfw`, `x.prj`…); and, for a VRT opened from a local path, the
 * files it refers to inside its own folder (checked and rewritten by vrt-guard.ts, nested VRTs too).
 * Every file is a lazy file owned by its dataset (lazy-file.ts), read from the local disk, from bytes,
 * from a Blob or from the host (remote), so a read from another source's folder fails even if a name
 * is guessed. Nothing is mounted: no folder of the user's disk is visible to GDAL.
 */
import type { FileSpec } from '../src/engine/protocol.js';
import { SourceError } from '../src/core/errors.js';
import { fsFailure } from '../src/core/fs-failure.js';
import type { LocalFiles } from './runtime.js';
import type { LazyFiles } from './lazy-file.js';
import { parseVrt, pointReference, serializeXml, sniffXml } from './vrt-guard.js';

/** A part's folder as GDAL sees it: the main file's path and the lazy files to remove on close. */
export interface PartFile {
  path: string;
  dir: string;
  lazyIds: number[];
}

type LeafSource = FileSpec;

/** Limits per source, so a hostile VRT cannot make the sandbox itself expensive. */
const MAX_VRT_BYTES = 64 << 20;
const MAX_FILES = 20_000;
const MAX_VRT_DEPTH = 8;
const HEAD = 512;

interface Context {
  part: PartFile;
  owner: number;
  label: string;
  root: string;
  placed: Map<string, string>;
  listings: Map<string, string[]>;
  /** A vector source: its files are data to GDAL's vector drivers only (no VRT is followed), so XML and JSON are placed as they are. */
  vector: boolean;
}

export class Sandbox {
  constructor(
    // biome-ignore lint/suspicious/noExplicitAny: the Emscripten module has no type declarations
    private readonly M: any,
    private readonly lazy: LazyFiles,
    private readonly local: LocalFiles | null,
  ) {
    M.FS.mkdir('/src');
  }

  /** The folder for one part of dataset `owner`, with the source's files in it. */
  async create(source: LeafSource, label: string, owner: number, vector = false): Promise<PartFile> {
    const part: PartFile = { path: '', dir: this.newDir(), lazyIds: [] };
    try {
      if (source.kind === 'path') {
        part.path = this.placeLocal(source.path, label, part, owner, vector);
      } else if (source.kind === 'lazy') {
        const f = this.lazy.create(part.dir, safeName(source.name), { size: source.size, blockSize: source.blockSize, label, owner }, source.fileId);
        part.lazyIds.push(f.fileId);
        part.path = f.path;
      } else {
        const name = safeName(source.name);
        const FRS = (globalThis as { FileReaderSync?: new () => { readAsArrayBuffer(b: Blob): ArrayBuffer } }).FileReaderSync;
        if (source.kind === 'blob' && FRS) {
          // Browser workers: the Blob is read slice by slice as GDAL asks; nothing is copied whole.
          const reader = new FRS();
          const blob = source.blob;
          const f = this.lazy.create(part.dir, name, {
            size: blob.size,
            blockSize: 0,
            label,
            owner,
            counted: true,
            reader: (s, e) => new Uint8Array(reader.readAsArrayBuffer(blob.slice(s, e))),
          });
          part.lazyIds.push(f.fileId);
          part.path = f.path;
        } else {
          const bytes = new Uint8Array(source.kind === 'blob' ? await source.blob.arrayBuffer() : source.bytes);
          part.path = this.addBytes(part, name, bytes, label, owner);
        }
      }
      return part;
    } catch (e) {
      this.remove(part, true);
      if (e instanceof SourceError) throw e;
      throw new SourceError('SOURCE_UNREADABLE', `${label}: cannot be made readable to GDAL: ${(e as Error)?.message ?? e}`, { input: label });
    }
  }

  /**
   * Checks a source given as bytes, a Blob or a URL once its first bytes can be read (remote bytes
   * arrive through the lazy file): a VRT is rewritten as checked and may not refer to other files
   * (there is no folder around it); other XML or JSON formats, which can refer to anything, are refused.
   */
  inspect(part: PartFile, source: LeafSource, label: string, owner: number): void {
    if (source.kind === 'path') return;
    const { FS } = this.M;
    const size = FS.stat(part.path).size as number;
    const kind = sniffXml(this.readFile(part.path, Math.min(size, HEAD)));
    if (kind === null) return;
    if (kind !== 'vrt') throw notOpened(label, label, kind);
    if (size > MAX_VRT_BYTES) throw new SourceError('SOURCE_UNSAFE', `${label}: a VRT of ${size} bytes is over the ${MAX_VRT_BYTES}-byte limit`, { input: label });
    const { root, refs } = parseVrt(new TextDecoder().decode(this.readFile(part.path, size)), label);
    if (refs.length) {
      throw new SourceError(
        'SOURCE_UNSAFE',
        `${label}: a VRT opened from bytes, a Blob or a URL may not refer to other files (it names ${JSON.stringify(refs[0].name.slice(0, 80))}); open it from a local path`,
        {
          input: label,
        },
      );
    }
    const name = part.path.slice(part.dir.length + 1);
    for (const id of part.lazyIds) this.lazy.remove(id);
    part.lazyIds = [];
    FS.unlink(part.path);
    this.addBytes(part, name, new TextEncoder().encode(serializeXml(root)), label, owner);
  }

  /** Removes the part's folder (and, with `forget`, the cached blocks of its lazy files). */
  remove(part: PartFile, forget = false): void {
    const { FS } = this.M;
    for (const id of part.lazyIds) {
      if (forget || id < 0) this.lazy.remove(id);
    }
    try {
      rmTree(FS, part.dir);
    } catch {
      /* already gone */
    }
  }

  /** Every file under /src (a test hook: what GDAL could see). */
  list(dir = '/src'): string[] {
    const { FS } = this.M;
    return (FS.readdir(dir) as string[])
      .filter((n) => n !== '.' && n !== '..')
      .flatMap((n) => (FS.isDir(FS.stat(`${dir}/${n}`).mode) ? this.list(`${dir}/${n}`) : [`${dir}/${n}`]));
  }

  count(): number {
    return (this.M.FS.readdir('/src') as string[]).filter((f) => f !== '.' && f !== '..').length;
  }

  private newDir(): string {
    const rand = new Uint8Array(8);
    crypto.getRandomValues(rand);
    const dir = `/src/${Array.from(rand, (b) => b.toString(16).padStart(2, '0')).join('')}`;
    this.M.FS.mkdir(dir);
    return dir;
  }

  private addBytes(part: PartFile, name: string, bytes: Uint8Array, label: string, owner: number): string {
    const f = this.lazy.create(part.dir, name, { size: bytes.byteLength, blockSize: 0, label, owner, reader: (s, e) => bytes.slice(s, e) });
    part.lazyIds.push(f.fileId);
    return f.path;
  }

  private readFile(path: string, n: number): Uint8Array {
    const { FS } = this.M;
    const out = new Uint8Array(n);
    const stream = FS.open(path, 'r');
    try {
      let got = 0;
      while (got < n) {
        const k = FS.read(stream, out, got, n - got, got);
        if (k <= 0) break;
        got += k;
      }
      return out.subarray(0, got);
    } finally {
      FS.close(stream);
    }
  }

  /** A local file, its sidecars and (for a VRT) what it refers to, as lazy files in the part's folder. */
  private placeLocal(path: string, label: string, part: PartFile, owner: number, vector: boolean): string {
    const local = this.local;
    if (!local) throw new SourceError('SOURCE_UNREADABLE', `${label}: local paths can only be opened in Node and Deno; pass a File, Blob, ArrayBuffer or URL`, { input: label });
    let real: string;
    try {
      real = local.realpath(path);
    } catch (e) {
      const f = fsFailure(e, 'read');
      throw new SourceError(f.missing ? 'SOURCE_NOT_FOUND' : 'SOURCE_UNREADABLE', `${label}: ${f.why}`, { input: label });
    }
    const ctx: Context = { part, owner, label, root: local.dirname(real), placed: new Map(), listings: new Map(), vector };
    return this.place(ctx, real, 0, true);
  }

  private place(ctx: Context, real: string, depth: number, main: boolean): string {
    const local = this.local!;
    const known = ctx.placed.get(real);
    if (known) return known;
    const rel = local.inside(ctx.root, real);
    if (rel === null)
      throw new SourceError('SOURCE_UNSAFE', `${ctx.label}: refers to ${real}, outside the folder it was opened from (${ctx.root})`, { input: ctx.label, path: real });
    if (ctx.placed.size >= MAX_FILES) throw new SourceError('SOURCE_UNSAFE', `${ctx.label}: refers to more than ${MAX_FILES} files`, { input: ctx.label });
    const size = local.fileSize(real);
    if (size === null) {
      if (main) throw new SourceError('SOURCE_UNREADABLE', `${ctx.label}: not a regular file`, { input: ctx.label });
      throw new SourceError('SOURCE_NOT_FOUND', `${ctx.label}: refers to ${rel}, which is not a file`, { input: ctx.label, path: rel });
    }
    const vpath = `${ctx.part.dir}/${rel}`;
    ctx.placed.set(real, vpath);
    const reader = local.reader(real);
    const kind = ctx.vector ? null : sniffXml(reader.read(0, Math.min(size, HEAD)));
    const slash = vpath.lastIndexOf('/');
    mkdirs(this.M.FS, vpath.slice(0, slash));
    if (kind === 'vrt') {
      if (depth >= MAX_VRT_DEPTH) throw new SourceError('SOURCE_UNSAFE', `${ctx.label}: VRTs nested more than ${MAX_VRT_DEPTH} deep`, { input: ctx.label });
      if (size > MAX_VRT_BYTES) throw new SourceError('SOURCE_UNSAFE', `${ctx.label}: the VRT ${rel} is over the ${MAX_VRT_BYTES}-byte limit`, { input: ctx.label });
      const text = new TextDecoder().decode(reader.read(0, size));
      reader.close();
      const { root, refs } = parseVrt(text, main ? ctx.label : `${ctx.label} (${rel})`);
      const here = local.dirname(real);
      for (const ref of refs) {
        const target = local.resolve(ref.relativeToVrt ? here : null, ref.name);
        let targetReal: string;
        try {
          targetReal = local.realpath(target);
        } catch {
          throw new SourceError('SOURCE_NOT_FOUND', `${ctx.label}: refers to ${ref.name}, which does not exist`, { input: ctx.label, path: ref.name });
        }
        pointReference(ref, this.place(ctx, targetReal, depth + 1, false));
      }
      this.addBytes(ctx.part, vpath.slice(ctx.part.dir.length + 1), new TextEncoder().encode(serializeXml(root)), ctx.label, ctx.owner);
    } else if (kind === null || kind === 'pam') {
      const f = this.lazy.create(vpath.slice(0, slash), vpath.slice(slash + 1), {
        size,
        blockSize: 0,
        label: ctx.label,
        owner: ctx.owner,
        reader: reader.read,
        onRemove: reader.close,
      });
      ctx.part.lazyIds.push(f.fileId);
    } else {
      reader.close();
      throw notOpened(ctx.label, rel, kind);
    }
    this.placeSidecars(ctx, real, depth);
    return vpath;
  }

  /** Files beside `real` whose names start with its name without extension and a dot. */
  private placeSidecars(ctx: Context, real: string, depth: number): void {
    const local = this.local!;
    const folder = local.dirname(real);
    const base = local.basename(real);
    const stem = `${(base.includes('.') ? base.slice(0, base.lastIndexOf('.')) : base).toLowerCase()}.`;
    let names = ctx.listings.get(folder);
    if (!names) ctx.listings.set(folder, (names = local.list(folder)));
    for (const n of names) {
      if (n === base || !n.toLowerCase().startsWith(stem)) continue;
      const path = local.resolve(folder, n);
      if (ctx.placed.has(path) || local.fileSize(path) === null) continue;
      const head = local.reader(path);
      const kind = sniffXml(head.read(0, HEAD));
      head.close();
      // XML sidecars GDAL does not open as rasters (metadata .xml beside a GeoTIFF) stay out.
      if (kind === 'xml' || kind === 'json' || (kind === 'pam' && !n.toLowerCase().endsWith('.aux.xml'))) continue;
      this.place(ctx, path, depth + 1, false);
    }
  }
}

/** XML or JSON other than a VRT: formats that can name other files or services (or an error page served as a raster). */
function notOpened(label: string, what: string, kind: 'xml' | 'json' | 'pam'): SourceError {
  return new SourceError(
    'SOURCE_UNREADABLE',
    `${label}: ${what === label ? 'it' : what} is ${kind === 'json' ? 'JSON' : 'XML'} but not a VRT; geotensor opens no other XML or JSON formats (they can name other files or services), and an error page served as a raster looks like this too`,
    { input: label },
  );
}

function mkdirs(
  // biome-ignore lint/suspicious/noExplicitAny: Emscripten's FS has no type declarations
  FS: any,
  dir: string,
): void {
  let at = '';
  for (const p of dir.split('/').filter(Boolean)) {
    at += `/${p}`;
    if (!FS.analyzePath(at).exists) FS.mkdir(at);
  }
}

function rmTree(
  // biome-ignore lint/suspicious/noExplicitAny: Emscripten's FS has no type declarations
  FS: any,
  dir: string,
): void {
  for (const n of FS.readdir(dir) as string[]) {
    if (n === '.' || n === '..') continue;
    const p = `${dir}/${n}`;
    if (FS.isDir(FS.stat(p).mode)) rmTree(FS, p);
    else FS.unlink(p);
  }
  FS.rmdir(dir);
}

function safeName(name: string): string {
  const base = name.split(/[\\/]/).pop() || 'source';
  return base.replace(/[^A-Za-z0-9._-]/g, '_') || 'source';
}
