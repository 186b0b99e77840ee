/**
 * STAC API item search (`/search`, GET or POST), paging through `next` links (a POST page's body
 * merged into the last one when the link says `merge`), into one ItemCollection. Bounded by
 * `maxItems` (more is an error, not a silent cut), `maxDocuments` and each page's size.
 */
import { ArgumentError, SourceError, redactUrl } from '../core/errors.js';
import { fetchJson } from '../remote/document.js';
import { type ProgressOption, progressReporter } from '../runtime/progress.js';
import { checkItem, notStac, remoteFor, resolve, toUrl, trustedOrigins } from './read.js';
import type { StacItem, StacItemCollection, StacLink, StacReadOptions } from './types.js';

export interface StacSearchParams {
  /** [west, south, east, north] in degrees (WGS 84). */
  bbox?: number[];
  /** An RFC 3339 instant or interval: '2024-06-01T00:00:00Z/2024-08-31T23:59:59Z', open ends as '..'. */
  datetime?: string;
  collections?: string[];
  ids?: string[];
  /** A GeoJSON geometry the items must intersect. */
  intersects?: unknown;
  /** The query extension: { 'eo:cloud_cover': { lt: 20 } }. */
  query?: Record<string, unknown>;
  /** Items per page asked of the API (default 100). */
  limit?: number;
  [key: string]: unknown;
}

export interface StacSearchOptions extends StacReadOptions {
  /** 'POST' (default, JSON body) or 'GET' (query parameters). */
  method?: 'GET' | 'POST';
  /** Report items read against the API's numberMatched (when it gives one): a callback (done, total), or true. */
  progress?: ProgressOption;
}

/** Every item a STAC API search finds (all pages), as one ItemCollection with the items' absolute self links. */
export async function stacSearch(apiUrl: string | URL, params: StacSearchParams = {}, options: StacSearchOptions = {}): Promise<StacItemCollection> {
  const method = options.method ?? 'POST';
  if (method !== 'GET' && method !== 'POST') throw new ArgumentError('method', "'GET' or 'POST'", method);
  checkParams(params);
  const maxItems = options.maxItems ?? 10_000;
  const maxDocuments = options.maxDocuments ?? 1_000;
  const maxBytes = options.maxDocumentBytes ?? 16 * 1024 * 1024;
  const remote = { ...options.remote, signal: options.signal ?? options.remote?.signal };
  const root = toUrl(apiUrl).replace(/\/+$/, '');
  let url = /\/search(\?|$)/.test(root) ? root : `${root}/search`;
  const trusted = trustedOrigins(url, options.remote); // next links elsewhere go without the headers
  const body: Record<string, unknown> = { limit: 100, ...params };
  let page: { method: 'GET' | 'POST'; url: string; body?: Record<string, unknown> } = method === 'POST' ? { method, url, body } : { method, url: withQuery(url, body) };
  const features: StacItem[] = [];
  const seen = new Set<string>();
  let bar: ReturnType<typeof progressReporter> | undefined;
  let matched = 0;
  for (let n = 1; ; n++) {
    if (n > maxDocuments) throw new SourceError('SOURCE_UNREADABLE', `${redactUrl(url)}: the search has more than ${maxDocuments} pages (maxDocuments)`, { input: redactUrl(url) });
    const label = `${redactUrl(page.url)} (page ${n})`;
    const doc = (await fetchJson(
      { url: page.url, method: page.method, body: page.body, maxBytes, what: 'a page of STAC search results' },
      remoteFor([page.url], remote, trusted),
    )) as Record<string, unknown>;
    if (!doc || typeof doc !== 'object' || doc.type !== 'FeatureCollection' || !Array.isArray(doc.features))
      throw notStac(label, 'is not a FeatureCollection of items (a STAC search page was expected)');
    doc.features.forEach((f, i) => {
      const item = checkItem(f, `${label}, feature ${i}`);
      if (features.length >= maxItems)
        throw new SourceError('SOURCE_UNREADABLE', `${label}: the search finds more than the ${maxItems} items allowed (maxItems; narrow it or raise the limit)`, { input: label });
      features.push(withSelf(item, page.url));
    });
    if (n === 1 && Number.isInteger(doc.numberMatched) && (doc.numberMatched as number) > 0) {
      matched = doc.numberMatched as number;
      bar = progressReporter('stacSearch', matched, options.progress);
    }
    bar?.tick(Math.min(features.length, matched));
    const next = Array.isArray(doc.links) ? (doc.links as StacLink[]).find((l) => l && l.rel === 'next' && typeof l.href === 'string') : undefined;
    if (!next || doc.features.length === 0) break;
    const href = resolve(next.href, page.url, label);
    const key = `${(next.method ?? 'GET').toUpperCase()} ${href} ${JSON.stringify(next.body ?? null)}`;
    if (seen.has(key)) throw notStac(label, 'links back to a page already read (a paging cycle)');
    seen.add(key);
    url = href;
    if ((next.method ?? 'GET').toUpperCase() === 'POST') {
      const nb = next.body && typeof next.body === 'object' ? (next.body as Record<string, unknown>) : {};
      page = { method: 'POST', url: href, body: next.merge ? { ...page.body, ...nb } : nb };
    } else page = { method: 'GET', url: href };
  }
  bar?.end();
  return { type: 'FeatureCollection', features };
}

function checkParams(p: StacSearchParams): void {
  if (!p || typeof p !== 'object') throw new ArgumentError('params', 'an object of STAC search parameters', p);
  if (p.bbox !== undefined && (!Array.isArray(p.bbox) || (p.bbox.length !== 4 && p.bbox.length !== 6) || !p.bbox.every(Number.isFinite)))
    throw new ArgumentError('bbox', '[west, south, east, north] in degrees', p.bbox);
  if (p.datetime !== undefined && typeof p.datetime !== 'string') throw new ArgumentError('datetime', "an RFC 3339 date or interval ('2024-06-01T00:00:00Z/..')", p.datetime);
  if (p.collections !== undefined && (!Array.isArray(p.collections) || !p.collections.every((c) => typeof c === 'string')))
    throw new ArgumentError('collections', 'an array of collection ids', p.collections);
  if (p.limit !== undefined && (!Number.isInteger(p.limit) || p.limit < 1)) throw new ArgumentError('limit', 'a positive integer', p.limit);
}

/** GET parameters as the STAC API spells them: bbox and collections comma-separated, objects as JSON. */
function withQuery(url: string, body: Record<string, unknown>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(body)) {
    if (v === undefined) continue;
    u.searchParams.set(k, Array.isArray(v) && v.every((x) => typeof x !== 'object') ? v.join(',') : typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
  return u.href;
}

/** The item with an absolute self link, so that its relative hrefs resolve after the page is gone. */
function withSelf(item: StacItem, pageUrl: string): StacItem {
  const self = item.links?.find((l) => l?.rel === 'self');
  if (self) {
    try {
      new URL(self.href);
      return item;
    } catch {
      // a relative self link: resolved against the page below
    }
  }
  const href = self ? new URL(self.href, pageUrl).href : pageUrl;
  return { ...item, links: [...(item.links ?? []).filter((l) => l?.rel !== 'self'), { rel: 'self', href }] };
}
