/**
 * Makes a source readable to GDAL inside the engine's file system: local paths mounted (NODEFS,
 * never copied), Blobs read lazily (FileReaderSync in browser workers), bytes as a memory file,
 * remote files as lazy files filled from the host (see lazy-file.ts). One directory per part.
 */
import type { DatasetSpec } from '../src/engine/protocol.js';
import { SourceError } from '../src/core/errors.js';
import { splitLocalPath } from './runtime.js';
import type { LazyFiles } from './lazy-file.js';

/** A file of one part as GDAL sees it, and how to remove it. */
export interface PartFile {
  path: string;
  dir: string;
  mounted: boolean;
  /** Lazy file id (remote, Blob), removed from the cache on close. */
  lazyId?: number;
}

type LeafSource = Exclude<DatasetSpec, { kind: 'mosaic' }>;

export class MountedFiles {
  private seq = 0;
  constructor(
    // biome-ignore lint/suspicious/noExplicitAny: the Emscripten module has no type declarations
    private readonly M: any,
    private readonly lazy: LazyFiles,
  ) {
    M.FS.mkdir('/src');
  }

  async create(source: LeafSource, label: string): Promise<PartFile> {
    const { M } = this;
    const dir = `/src/${++this.seq}`;
    M.FS.mkdir(dir);
    let mounted = false;
    try {
      switch (source.kind) {
        case 'path': {
          const local = await splitLocalPath(source.path);
          if (!local)
            throw new SourceError('SOURCE_UNREADABLE', `${label}: local paths can only be opened in Node and Deno; pass a File, Blob, ArrayBuffer or URL`, { input: label });
          M.FS.mount(M.NODEFS, { root: local.dir }, dir);
          mounted = true;
          return { path: `${dir}/${local.base}`, dir, mounted };
        }
        case 'blob': {
          const name = safeName(source.name);
          const FRS = (globalThis as { FileReaderSync?: new () => { readAsArrayBuffer(b: Blob): ArrayBuffer } }).FileReaderSync;
          if (FRS) {
            // Browser workers: the Blob is read slice by slice as GDAL asks; nothing is copied whole.
            const reader = new FRS();
            const blob = source.blob;
            const f = this.lazy.create(dir, name, { size: blob.size, blockSize: 0, label, reader: (s, e) => new Uint8Array(reader.readAsArrayBuffer(blob.slice(s, e))) });
            return { path: f.path, dir, mounted, lazyId: f.fileId };
          }
          M.FS.createDataFile(dir, name, new Uint8Array(await source.blob.arrayBuffer()), true, false, true);
          return { path: `${dir}/${name}`, dir, mounted };
        }
        case 'bytes': {
          const name = safeName(source.name);
          M.FS.createDataFile(dir, name, new Uint8Array(source.bytes), true, false, true);
          return { path: `${dir}/${name}`, dir, mounted };
        }
        case 'lazy': {
          const f = this.lazy.create(dir, safeName(source.name), { size: source.size, blockSize: source.blockSize, label }, source.fileId);
          return { path: f.path, dir, mounted, lazyId: f.fileId };
        }
      }
    } catch (e) {
      this.remove({ path: '', dir, mounted });
      if (e instanceof SourceError) throw e;
      throw new SourceError('SOURCE_UNREADABLE', `${label}: cannot be made readable to GDAL: ${(e as Error).message}`, { input: label });
    }
  }

  /** Removes the part's directory (and, with `forget`, its cached blocks). */
  remove(f: PartFile, forget = false): void {
    const { FS } = this.M;
    try {
      if (f.mounted) FS.unmount(f.dir);
      else for (const n of FS.readdir(f.dir)) if (n !== '.' && n !== '..') FS.unlink(`${f.dir}/${n}`);
      FS.rmdir(f.dir);
    } catch {
      /* already gone */
    }
    if (forget && f.lazyId !== undefined) this.lazy.remove(f.lazyId);
  }

  count(): number {
    return (this.M.FS.readdir('/src') as string[]).filter((f) => f !== '.' && f !== '..').length;
  }
}

function safeName(name: string): string {
  const base = name.split(/[\\/]/).pop() || 'source';
  return base.replace(/[^A-Za-z0-9._-]/g, '_') || 'source';
}
