/**
 * The folder an export writes to. A folder that already holds files is refused unless `overwrite`;
 * with it, only an earlier export's files (those its manifest lists, chips named like this export's,
 * `samples.geojson`, and temporary `.partial` files of an interrupted write) may be there, and those
 * this export does not write are removed. The manifest (`manifest.json`) is removed first and written
 * last, so a folder with a manifest holds a complete export.
 */
import { ArgumentError } from '../core/errors.js';
import type { RuntimeAdapter } from '../runtime/types.js';

export const MANIFEST = 'manifest.json';
const SAMPLES = 'samples.geojson';

/** What an export leaves in its folder's manifest.json. */
export interface ExportManifest {
  geotensor: 1;
  format: string;
  width: number;
  height: number;
  layout: string;
  crs: string | null;
  count: number;
  /** Chip files, relative to the folder, by sample row (null where a row was not written). */
  files: (string | null)[];
}

export interface PreparedFolder {
  /** Files of an earlier export, removed at the end unless written again. */
  earlier: Set<string>;
}

/** Checks the folder before anything is written, and removes an earlier manifest. */
export async function prepareFolder(rt: RuntimeAdapter, dir: string, options: { overwrite?: boolean; prefix: string; extension: string }): Promise<PreparedFolder> {
  const names = await rt.listFolder(dir, 'dir');
  if (names === null || names.length === 0) return { earlier: new Set() };
  if (!options.overwrite)
    throw new ArgumentError('dir', 'an empty or new folder, or overwrite: true', `${dir}, which holds ${names.length} file(s) (${names.slice(0, 3).join(', ')})`);
  const listed = new Set<string>();
  if (names.includes(MANIFEST)) {
    try {
      const m = JSON.parse(new TextDecoder().decode(await rt.readFile(`${dir}/${MANIFEST}`))) as Partial<ExportManifest>;
      for (const f of Array.isArray(m.files) ? m.files : []) if (typeof f === 'string') listed.add(f);
    } catch {
      /* an unreadable manifest lists nothing */
    }
  }
  const chip = new RegExp(`^${escapeRegExp(options.prefix)}\\d+\\.(npy|tif)$`);
  const foreign = names.filter((n) => n !== MANIFEST && n !== SAMPLES && !listed.has(n) && !chip.test(n) && !n.endsWith('.partial'));
  if (foreign.length) {
    throw new ArgumentError(
      'dir',
      "a folder holding only an earlier export's files (overwrite removes those, never others)",
      `${dir}, which also holds ${foreign.slice(0, 3).join(', ')}`,
    );
  }
  await rt.removeFile(`${dir}/${MANIFEST}`, 'dir');
  return { earlier: new Set(names.filter((n) => n !== MANIFEST)) };
}

/** Removes what the earlier export left and this one did not write, then writes the manifest. */
export async function finishFolder(rt: RuntimeAdapter, dir: string, prepared: PreparedFolder, manifest: ExportManifest, keep: readonly string[] = []): Promise<void> {
  const written = new Set<string>([...manifest.files.filter((f): f is string => f !== null), ...keep]);
  for (const n of prepared.earlier) if (!written.has(n)) await rt.removeFile(`${dir}/${n}`, 'dir');
  await rt.writeFile(`${dir}/${MANIFEST}`, new TextEncoder().encode(`${JSON.stringify(manifest, null, 1)}\n`), 'dir');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
