/**
 * STAC documents to items: an Item, an ItemCollection (its `next` pages followed), a Collection or
 * Catalog (its `child`, `item` and `items` links walked, relative links resolved against the
 * document's own URL), as objects or URLs (http(s); local paths and file: URLs in Node and Deno).
 * Every document is checked for what is read from it; cycles, depth, the number of documents and of
 * items and each document's size are bounded.
 */
import { ArgumentError, SourceError, redactUrl } from '../core/errors.js';
import { fetchJson } from '../remote/document.js';
import { currentRuntime } from '../runtime/index.js';
import type { RemoteOptions } from '../remote/types.js';
import type { ReadItem, StacInput, StacItem, StacLink, StacReadOptions } from './types.js';

const MAX_DEPTH = 16;
const PARALLEL = 8;

interface Walk {
  opts: Required<Pick<StacReadOptions, 'maxItems' | 'maxDocuments' | 'maxDocumentBytes'>> & StacReadOptions;
  /** Origins the user's headers may go to: the STAC input's own and `remote.headerOrigins`. */
  trusted: ReadonlySet<string>;
  seen: Set<string>;
  documents: number;
  items: ReadItem[];
}

/** The items of a STAC input, in the order found. */
export async function readStacItems(input: StacInput, options: StacReadOptions = {}): Promise<ReadItem[]> {
  const opts = { maxItems: 10_000, maxDocuments: 1_000, maxDocumentBytes: 16 * 1024 * 1024, ...options };
  for (const k of ['maxItems', 'maxDocuments', 'maxDocumentBytes'] as const) {
    if (!Number.isInteger(opts[k]) || opts[k] < 1) throw new ArgumentError(k, 'a positive integer', opts[k]);
  }
  const first = typeof input === 'string' || input instanceof URL ? toUrl(input) : null;
  const w: Walk = { opts, trusted: trustedOrigins(first, options.remote), seen: new Set(), documents: 0, items: [] };
  if (first !== null) {
    const url = first;
    await visit(w, await load(w, url, 'a STAC item, item collection, collection or catalog'), url, 0);
  } else if (input && typeof input === 'object') {
    await visit(w, input, selfLink(input), 0);
  } else {
    throw new ArgumentError('stac', 'a STAC Item or ItemCollection (object or URL), or a Collection or Catalog URL', input);
  }
  return w.items;
}

/** A URL for the input: http(s) and file: URLs as they are; other strings are paths, resolved against the working directory (the page, in browsers). */
export function toUrl(input: string | URL): string {
  const s = input instanceof URL ? input.href : input;
  if (typeof s !== 'string' || !s.trim()) throw new ArgumentError('stac', 'a URL or path of a STAC document', input);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return s;
  return new URL(s, currentRuntime().baseUrl()).href;
}

async function load(w: Walk, url: string, what: string): Promise<unknown> {
  if (++w.documents > w.opts.maxDocuments) {
    throw new SourceError('SOURCE_UNREADABLE', `${redactUrl(url)}: reading it would pass the ${w.opts.maxDocuments} STAC documents allowed (maxDocuments)`, {
      input: redactUrl(url),
    });
  }
  if (url.startsWith('file:')) {
    const bytes = await currentRuntime().readFile(await currentRuntime().localFile(url));
    if (bytes.byteLength > w.opts.maxDocumentBytes) {
      throw new SourceError('SOURCE_UNREADABLE', `${url}: is ${bytes.byteLength} bytes, more than the ${w.opts.maxDocumentBytes} allowed for ${what} (maxDocumentBytes)`, {
        input: url,
      });
    }
    try {
      return JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw new SourceError('SOURCE_UNREADABLE', `${url}: is not JSON (${what} was expected)`, { input: url });
    }
  }
  return fetchJson({ url, maxBytes: w.opts.maxDocumentBytes, what }, { ...remoteFor([url], w.opts.remote, w.trusted), signal: w.opts.signal ?? w.opts.remote?.signal });
}

/** The origins the user's headers may go to: the STAC input's (when it is a URL) and `remote.headerOrigins`. */
export function trustedOrigins(input: string | null, remote: RemoteOptions | undefined): Set<string> {
  const out = new Set<string>(remote?.headerOrigins ?? []);
  if (input) out.add(originOf(input));
  return out;
}

/**
 * The remote options for reading `urls`: with the user's headers only when every URL is on a trusted
 * origin (a STAC document may link anywhere: its links must not carry credentials away).
 */
export function remoteFor(urls: string[], remote: RemoteOptions | undefined, trusted: ReadonlySet<string>): RemoteOptions {
  if (!remote?.headers || urls.every((u) => trusted.has(originOf(u)))) return { ...remote };
  const { headers: _dropped, ...rest } = remote;
  return rest;
}

function originOf(u: string): string {
  try {
    return new URL(u).origin;
  } catch {
    return '';
  }
}

/** One document: an item is kept, a collection of items or a catalog is walked. */
async function visit(w: Walk, doc: unknown, base: string | null, depth: number): Promise<void> {
  const label = base ? redactUrl(base) : 'the STAC object given';
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw notStac(label, 'is not a JSON object');
  const d = doc as Record<string, unknown>;
  if (base) {
    if (w.seen.has(base)) return; // a cycle, or a document linked twice
    w.seen.add(base);
  }
  if (depth > MAX_DEPTH) throw notStac(label, `is linked more than ${MAX_DEPTH} levels below the first document`);
  if (d.type === 'Feature') return addItem(w, d, base, label);
  if (d.type === 'FeatureCollection') {
    if (!Array.isArray(d.features)) throw notStac(label, 'is a FeatureCollection without a features array');
    d.features.forEach((f, i) => addItem(w, f, base, `${label}, feature ${i}`));
    const next = links(d, label).find((l) => l.rel === 'next');
    if (next) await visit(w, await loadLink(w, next, base, label, 'a page of STAC items'), resolve(next.href, base, label), depth + 1);
    return;
  }
  if (d.type === 'Catalog' || d.type === 'Collection') {
    const ls = links(d, label);
    const docBase = selfLink(d) ?? base;
    const items = ls.filter((l) => l.rel === 'item');
    for (let i = 0; i < items.length; i += PARALLEL) {
      const batch = items.slice(i, i + PARALLEL).map((l) => resolve(l.href, docBase, label));
      const docs = await Promise.all(batch.map((u) => (w.seen.has(u) ? null : load(w, u, 'a STAC item'))));
      for (let k = 0; k < batch.length; k++) if (docs[k] !== null) await visit(w, docs[k], batch[k], depth + 1);
    }
    for (const l of ls.filter((l) => l.rel === 'child' || l.rel === 'items')) {
      const u = resolve(l.href, docBase, label);
      if (!w.seen.has(u)) await visit(w, await load(w, u, l.rel === 'child' ? 'a STAC catalog or collection' : 'a page of STAC items'), u, depth + 1);
    }
    return;
  }
  throw notStac(label, `has type ${JSON.stringify(String(d.type)).slice(0, 40)}, not Feature (an item), FeatureCollection, Collection or Catalog`);
}

function addItem(w: Walk, doc: unknown, base: string | null, label: string): void {
  const item = checkItem(doc, label);
  if (w.items.length >= w.opts.maxItems) {
    throw new SourceError('SOURCE_UNREADABLE', `${label}: the STAC input has more than the ${w.opts.maxItems} items allowed (maxItems; narrow the search or raise the limit)`, {
      input: label,
    });
  }
  const p = item.properties;
  const time = Date.parse(String(p.datetime ?? p.start_datetime ?? ''));
  if (!Number.isFinite(time)) throw notStac(label, `(item ${item.id}) has no valid datetime (nor start_datetime)`);
  w.items.push({ item, base: selfLink(item) ?? base, time });
}

/** An item's shape, checked: an id, properties, assets with string hrefs. */
export function checkItem(doc: unknown, label: string): StacItem {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw notStac(label, 'is not a JSON object (a STAC item was expected)');
  const d = doc as Record<string, unknown>;
  if (d.type !== 'Feature') throw notStac(label, 'is not a STAC item (type is not Feature)');
  if (typeof d.id !== 'string' || !d.id || d.id.length > 1024) throw notStac(label, 'is a STAC item without a valid id');
  const where = `${label} (item ${d.id.slice(0, 80)})`;
  if (!d.properties || typeof d.properties !== 'object' || Array.isArray(d.properties)) throw notStac(where, 'has no properties object');
  if (!d.assets || typeof d.assets !== 'object' || Array.isArray(d.assets)) throw notStac(where, 'has no assets object');
  for (const [k, a] of Object.entries(d.assets as Record<string, unknown>)) {
    if (!a || typeof a !== 'object' || typeof (a as { href?: unknown }).href !== 'string' || !(a as { href: string }).href)
      throw notStac(where, `has an asset ${k.slice(0, 40)} without an href`);
  }
  if (d.links !== undefined && !Array.isArray(d.links)) throw notStac(where, 'has links that are not an array');
  return d as unknown as StacItem;
}

function links(d: Record<string, unknown>, label: string): StacLink[] {
  if (d.links === undefined) return [];
  if (!Array.isArray(d.links)) throw notStac(label, 'has links that are not an array');
  return d.links.filter((l): l is StacLink => !!l && typeof l === 'object' && typeof (l as StacLink).rel === 'string' && typeof (l as StacLink).href === 'string');
}

function selfLink(d: unknown): string | null {
  const ls = (d as { links?: unknown }).links;
  if (!Array.isArray(ls)) return null;
  const self = ls.find((l) => l && typeof l === 'object' && (l as StacLink).rel === 'self' && typeof (l as StacLink).href === 'string') as StacLink | undefined;
  if (!self) return null;
  try {
    return new URL(self.href).href; // only an absolute self link says where the document is
  } catch {
    return null;
  }
}

/** A link's href as an absolute URL. */
export function resolve(href: string, base: string | null, label: string): string {
  try {
    return new URL(href, base ?? undefined).href;
  } catch {
    throw notStac(label, `links to ${JSON.stringify(href.slice(0, 80))}, which is not a URL (and the document's own URL is not known to resolve it against)`);
  }
}

/** A `next` link of a search page: GET its href, or POST its body (merged into the last body when `merge`). */
async function loadLink(w: Walk, l: StacLink, base: string | null, label: string, what: string): Promise<unknown> {
  const url = resolve(l.href, base, label);
  if ((l.method ?? 'GET').toUpperCase() !== 'POST') return load(w, url, what);
  if (++w.documents > w.opts.maxDocuments)
    throw new SourceError('SOURCE_UNREADABLE', `${redactUrl(url)}: paging would pass the ${w.opts.maxDocuments} documents allowed (maxDocuments)`, { input: redactUrl(url) });
  return fetchJson(
    { url, method: 'POST', body: l.body ?? {}, maxBytes: w.opts.maxDocumentBytes, what },
    { ...remoteFor([url], w.opts.remote, w.trusted), signal: w.opts.signal ?? w.opts.remote?.signal },
  );
}

export function notStac(label: string, why: string): SourceError {
  return new SourceError('SOURCE_UNREADABLE', `${label}: ${why}`, { input: label });
}
