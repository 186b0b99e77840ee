// A real HTTP server on 127.0.0.1 for the remote-source tests and the remote bench row: serves the
// files of a directory by byte ranges, with latency and faults chosen by the first path segment:
//
//   /ok/FILE         normal range server (206 + Content-Range, ETag, Last-Modified)
//   /lat-MS/FILE     waits MS milliseconds before answering
//   /flaky-N/FILE    the first N requests for FILE (since the last /__reset) answer 503
//   /norange/FILE    ignores Range: 200 with the whole file
//   /short/FILE      206 with a correct Content-Range but half the bytes (a truncated body)
//   /cut/FILE        promises the whole range, then closes the connection half way
//   /flood/FILE      206 with a correct Content-Range and no Content-Length (chunked), then the range's
//                    bytes and filler after them, up to 512 MiB, as long as the client reads
//   /text/FILE       an HTML page instead of the file (a non-raster body), ranges honoured
//   /auth-TOKEN/FILE 401 unless the request has "Authorization: Bearer TOKEN"
//   /hang/FILE       never answers
//   /failafter-N/FILE requests after the N-th for FILE answer 500 (a source that breaks mid-flow)
//   /redirect-S/X?to=URL answers HTTP S (301, 302, 307, 308) with Location: URL
//   /basic-U:P/FILE  401 unless the request has Basic credentials U:P
//   /swap-N/FILE     after N requests, another file of the same size (bytes inverted) with a new ETag
//   /swaplm-N/FILE   the same with no ETag at all and a new Last-Modified
//   /shortrange/FILE after the first request, a 206 for half the range asked (honest Content-Range)
//   /sas-TOKEN/FILE  403 unless the query string has sig=TOKEN reversed (a signed URL; the path does not hold the signature)
//   /stacapi/search  a tiny STAC API over the items of DIR/stac (test/remote/stac-api.mjs)
//   /__other         the base URL of the same server on a second port (another origin)
//   /__heal          failafter-N answers normally again (until /__reset)
//   /__stats         JSON: requests and bytes sent, and the most requests in flight at once, in all and per path; /__reset clears them
//
// CORS and CORP headers let a cross-origin-isolated page (the browser tests) read it.
// Run alone: node test/remote/server.mjs DIR [PORT]  (prints "listening URL").
import { createServer } from 'node:http';
import { openSync, readSync, closeSync, statSync } from 'node:fs';
import { join, normalize, resolve } from 'node:path';
import { stacApi } from './stac-api.mjs';

export function startRangeServer({ dir, port = 0 }) {
  const root = resolve(dir);
  let stats = { requests: 0, bytes: 0, inFlight: 0, maxInFlight: 0, byPath: {} };
  const counts = new Map();
  let healed = false;
  const sockets = new Set();
  const cors = {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Headers': 'Range, Authorization, X-Api-Key, Content-Type, Accept',
    'Access-Control-Expose-Headers': 'Content-Range, Content-Length, Accept-Ranges, ETag, Last-Modified',
    'Cross-Origin-Resource-Policy': 'cross-origin',
    'Cache-Control': 'no-store',
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'OPTIONS') return res.writeHead(204, { ...cors, 'Access-Control-Allow-Methods': 'GET, HEAD, POST' }).end();
    if (url.pathname === '/__other') return res.writeHead(200, { ...cors, 'Content-Type': 'text/plain' }).end(otherUrl);
    if (url.pathname === '/__stats') return res.writeHead(200, { ...cors, 'Content-Type': 'application/json' }).end(JSON.stringify(stats));
    if (url.pathname === '/__heal') {
      healed = true;
      return res.writeHead(200, cors).end('healed');
    }
    if (url.pathname === '/__reset') {
      healed = false;
      stats = { requests: 0, bytes: 0, inFlight: 0, maxInFlight: 0, byPath: {} };
      counts.clear();
      return res.writeHead(200, cors).end('reset');
    }
    if (await stacApi(req, res, url, root, `http://${req.headers.host}`, cors)) return;
    const m = /^\/([a-z]+)(?:-([^/]+))?\/(.+)$/.exec(url.pathname);
    if (!m) return res.writeHead(404, cors).end('not found');
    const [, mode, arg, rel] = m;
    const file = normalize(join(root, decodeURIComponent(rel)));
    if (!file.startsWith(root)) return res.writeHead(403, cors).end();
    const key = url.pathname;
    const s = (stats.byPath[key] ??= { requests: 0, bytes: 0, apiKey: 0, basic: 0, inFlight: 0, maxInFlight: 0 });
    stats.requests++;
    s.requests++;
    // Requests in flight (from arrival to the end of the answer), in all and for this path.
    const counted = [stats, s];
    for (const c of counted) c.maxInFlight = Math.max(c.maxInFlight, ++c.inFlight);
    res.once('close', () => {
      for (const c of counted) c.inFlight--;
    });
    // Which requests carried credentials (counted, never stored): the redirect tests check where they go.
    if (req.headers['x-api-key']) s.apiKey++;
    if (/^Basic /.test(req.headers.authorization ?? '')) s.basic++;
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    const send = (status, headers, body) => {
      stats.bytes += body?.length ?? 0;
      s.bytes += body?.length ?? 0;
      res.writeHead(status, { ...cors, ...headers });
      res.end(body);
    };
    if (mode === 'redirect') return send(Number(arg), { Location: url.searchParams.get('to') ?? '/' }, Buffer.alloc(0));
    if (mode === 'hang') return; // never answers (the client's timeout must end it)
    if (mode === 'lat') await new Promise((r) => setTimeout(r, Number(arg)));
    if (mode === 'flaky' && n <= Number(arg)) return send(503, {}, Buffer.from('busy'));
    if (mode === 'failafter' && n > Number(arg) && !healed) return send(500, {}, Buffer.from('broken'));
    if (mode === 'auth' && req.headers.authorization !== `Bearer ${arg}`) return send(401, {}, Buffer.from('unauthorized'));
    if (mode === 'sas' && url.searchParams.get('sig') !== [...arg].reverse().join('')) return send(403, {}, Buffer.from('forbidden'));
    if (mode === 'basic' && req.headers.authorization !== `Basic ${Buffer.from(arg).toString('base64')}`) return send(401, {}, Buffer.from('unauthorized'));
    let size;
    let read;
    let version = {};
    if (mode === 'text') {
      const page = Buffer.from(`<!doctype html><html><body>${'This is a web page, not a raster. '.repeat(4000)}</body></html>`);
      size = page.length;
      read = (start, end) => page.subarray(start, end + 1);
    } else {
      try {
        const st = statSync(file);
        if (!st.isFile()) throw new Error('not a file');
        size = st.size;
        version = { ETag: `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`, 'Last-Modified': st.mtime.toUTCString() };
      } catch {
        return send(404, { 'Content-Type': 'text/plain' }, Buffer.from('not found'));
      }
      // swap-N: after N requests the file is replaced by another of the same size (a new ETag, or,
      // with swaplm-N, only a new Last-Modified): its bytes inverted.
      const swapped = (mode === 'swap' || mode === 'swaplm') && n > Number(arg);
      if (swapped) version = mode === 'swap' ? { ...version, ETag: '"replaced"' } : { 'Last-Modified': new Date(Date.now() + 86_400_000).toUTCString() };
      read = (start, end) => {
        const fd = openSync(file, 'r');
        try {
          const buf = Buffer.alloc(end - start + 1);
          readSync(fd, buf, 0, buf.length, start);
          if (swapped) for (let i = 0; i < buf.length; i++) buf[i] = 255 - buf[i];
          return buf;
        } finally {
          closeSync(fd);
        }
      };
    }
    const type = { 'Content-Type': mode === 'text' ? 'text/html' : 'image/tiff', 'Accept-Ranges': mode === 'norange' ? 'none' : 'bytes', ...version };
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (!range || mode === 'norange') {
      return send(200, { ...type, 'Content-Length': size }, req.method === 'HEAD' ? undefined : read(0, size - 1));
    }
    const start = Number(range[1]);
    const end = range[2] === '' ? size - 1 : Math.min(Number(range[2]), size - 1);
    if (start >= size || start > end) return send(416, { 'Content-Range': `bytes */${size}` }, undefined);
    const body = read(start, end);
    const cr = { ...type, 'Content-Range': `bytes ${start}-${end}/${size}` };
    // shortrange: a 206 for fewer bytes than asked, said honestly in Content-Range (after the probe).
    if (mode === 'shortrange' && n > 1 && end > start) {
      const half = start + Math.floor((end - start) / 2);
      return send(206, { ...type, 'Content-Range': `bytes ${start}-${half}/${size}`, 'Content-Length': half - start + 1 }, body.subarray(0, half - start + 1));
    }
    if (mode === 'short') return send(206, { ...cr, 'Content-Length': Math.ceil(body.length / 2) }, body.subarray(0, Math.ceil(body.length / 2)));
    if (mode === 'flood') {
      res.writeHead(206, { ...cors, ...cr });
      const filler = Buffer.alloc(1 << 16, 7);
      let sent = 0;
      const more = () => {
        while (sent < 512 << 20 && !res.destroyed) {
          const chunk = sent === 0 ? body : filler;
          sent += chunk.length;
          stats.bytes += chunk.length;
          s.bytes += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      more();
      return;
    }
    if (mode === 'cut') {
      res.writeHead(206, { ...cors, ...cr, 'Content-Length': body.length });
      res.write(body.subarray(0, Math.ceil(body.length / 2)));
      stats.bytes += Math.ceil(body.length / 2);
      s.bytes += Math.ceil(body.length / 2);
      setTimeout(() => res.socket?.destroy(), 10);
      return;
    }
    return send(206, { ...cr, 'Content-Length': body.length }, req.method === 'HEAD' ? undefined : body);
  });
  // A second port with the same files: another origin, for the tests of where redirects take credentials.
  const other = createServer((req, res) => server.emit('request', req, res));
  let otherUrl = '';
  const track = (srv) =>
    srv.on('connection', (sock) => {
      sockets.add(sock);
      sock.on('close', () => sockets.delete(sock));
    });
  track(server);
  track(other);
  const listen = (srv, p) => new Promise((ok) => srv.listen(p, '127.0.0.1', () => ok(`http://127.0.0.1:${srv.address().port}`)));
  return (async () => {
    const url = await listen(server, port);
    otherUrl = await listen(other, 0);
    return {
      url,
      close: () =>
        new Promise((c) => {
          for (const s of sockets) s.destroy();
          other.close();
          server.close(c);
        }),
    };
  })();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = await startRangeServer({ dir: process.argv[2] ?? 'test/.cache/remote', port: Number(process.argv[3] ?? 0) });
  console.log(`listening ${s.url}`);
}
