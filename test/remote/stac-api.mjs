// A tiny STAC API for the tests (test/stac.test.ts), mounted by test/remote/server.mjs at /stacapi/:
// GET or POST /stacapi/search over the items of DIR/stac/items/*.json (the static catalog of
// test/fixtures/stac), filtered by collections, ids, bbox (intersecting the item's bbox) and
// datetime (an instant or interval, '..' for an open end), `limit` items per page (default 10).
// Pages link the next one: GET with ?token=N, POST with { token: N } and merge: true. The items'
// relative hrefs are made absolute (on the server's /ok/ path), and each item gets its self link.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function items(root, origin) {
  const dir = join(root, 'stac', 'items');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const base = `${origin}/ok/stac/items/${f}`;
      const item = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      for (const a of Object.values(item.assets)) a.href = new URL(a.href, base).href;
      item.links = [...item.links.map((l) => ({ ...l, href: new URL(l.href, base).href })), { rel: 'self', href: base }];
      return item;
    });
}

function interval(s) {
  const [a, b = a] = s.split('/');
  return [a === '..' || a === '' ? -Infinity : Date.parse(a), b === '..' || b === '' ? Infinity : Date.parse(b)];
}

function matches(item, q) {
  if (q.collections && !q.collections.includes(item.collection)) return false;
  if (q.ids && !q.ids.includes(item.id)) return false;
  if (q.bbox) {
    const [w, s, e, n] = q.bbox;
    const [bw, bs, be, bn] = item.bbox;
    if (bw > e || be < w || bs > n || bn < s) return false;
  }
  if (q.datetime) {
    const [t0, t1] = interval(q.datetime);
    const t = Date.parse(item.properties.datetime);
    if (t < t0 || t > t1) return false;
  }
  return true;
}

/** Answers a /stacapi/ request: true when it did. /stacapi/notfc/search answers a Catalog; /stacapi/loop/search a page whose next link is itself. */
export async function stacApi(req, res, url, root, origin, cors) {
  const json = { ...cors, 'Content-Type': 'application/geo+json' };
  if (url.pathname === '/stacapi/notfc/search') {
    res.writeHead(200, json).end(JSON.stringify({ type: 'Catalog', id: 'not-a-page', links: [] }));
    return true;
  }
  if (url.pathname === '/stacapi/loop/search') {
    const self = `${origin}/stacapi/loop/search${url.search}`;
    res.writeHead(200, json).end(JSON.stringify({ type: 'FeatureCollection', features: items(root, origin).slice(0, 1), links: [{ rel: 'next', href: self }] }));
    return true;
  }
  if (url.pathname !== '/stacapi/search') return false;
  let q;
  if (req.method === 'POST') {
    let body = '';
    for await (const chunk of req) body += chunk;
    try {
      q = JSON.parse(body || '{}');
    } catch {
      res.writeHead(400, cors).end('bad JSON');
      return true;
    }
  } else {
    const p = url.searchParams;
    q = {};
    if (p.has('bbox')) q.bbox = p.get('bbox').split(',').map(Number);
    if (p.has('collections')) q.collections = p.get('collections').split(',');
    if (p.has('ids')) q.ids = p.get('ids').split(',');
    if (p.has('datetime')) q.datetime = p.get('datetime');
    if (p.has('limit')) q.limit = Number(p.get('limit'));
    if (p.has('token')) q.token = Number(p.get('token'));
  }
  const found = items(root, origin).filter((it) => matches(it, q));
  const limit = q.limit ?? 10;
  const at = q.token ?? 0;
  const page = found.slice(at, at + limit);
  const links = [];
  if (at + limit < found.length) {
    if (req.method === 'POST') links.push({ rel: 'next', href: `${origin}/stacapi/search`, method: 'POST', body: { token: at + limit }, merge: true });
    else {
      const next = new URL(url.href.replace(/^http:\/\/[^/]+/, origin));
      next.searchParams.set('token', String(at + limit));
      links.push({ rel: 'next', href: next.href, type: 'application/geo+json' });
    }
  }
  res
    .writeHead(200, { ...cors, 'Content-Type': 'application/geo+json' })
    .end(JSON.stringify({ type: 'FeatureCollection', features: page, links, numberMatched: found.length, numberReturned: page.length }));
  return true;
}
