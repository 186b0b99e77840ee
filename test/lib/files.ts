/** Scratch folders for tests that need real files (Node and Deno), under .test-build/. */
export interface ScratchDir {
  /** The folder, relative to the working directory (as users pass paths). */
  root: string;
  /** A path inside the folder, relative to the working directory. */
  path(rel: string): string;
  /** The same, absolute. */
  abs(rel: string): string;
  write(rel: string, bytes: Uint8Array | string): Promise<void>;
  read(rel: string): Promise<Uint8Array>;
  list(rel?: string): Promise<string[]>;
  /** Makes `rel` a symbolic link to `target`; false where links cannot be made. */
  symlink(target: string, rel: string): Promise<boolean>;
}

export async function scratchDir(what: string): Promise<ScratchDir> {
  const fs = await import('node:fs/promises');
  const p = await import('node:path');
  const root = `.test-build/${what}-${Math.random().toString(36).slice(2, 10)}`;
  await fs.mkdir(root, { recursive: true });
  const path = (rel: string) => `${root}/${rel}`;
  return {
    root,
    path,
    abs: (rel) => p.resolve(path(rel)),
    async write(rel, bytes) {
      await fs.mkdir(p.dirname(path(rel)), { recursive: true });
      await fs.writeFile(path(rel), bytes);
    },
    read: async (rel) => new Uint8Array(await fs.readFile(path(rel))),
    list: async (rel = '') => (await fs.readdir(path(rel))).sort(),
    async symlink(target, rel) {
      try {
        await fs.symlink(target, path(rel));
        return true;
      } catch {
        return false;
      }
    },
  };
}
