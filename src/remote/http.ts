/**
 * One HTTP range request with timeout, retries with exponential backoff (network errors, timeouts,
 * truncated bodies, 429, 5xx) and an AbortSignal. Errors name the URL without its query string;
 * request headers (tokens) never appear in a message.
 */
import { AbortError, RemoteError, redactUrl } from '../core/errors.js';

export interface RangeRequest {
  url: string;
  /** First byte (inclusive). */
  start: number;
  /** Last byte (inclusive). */
  end: number;
  headers?: Record<string, string>;
  /** Origins besides the URL's own that redirects may carry `headers` to. */
  headerOrigins?: readonly string[];
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  signal?: AbortSignal;
  fetch: typeof fetch;
  /** The file's identity pinned at the probe: an answer from another version is SOURCE_CHANGED. */
  expect?: FileIdentity;
}

/** What tells one version of a remote file from another: validators the server sends, and the size. */
export interface FileIdentity {
  etag: string | null;
  lastModified: string | null;
  size: number | null;
}

export interface RangeResponse {
  bytes: Uint8Array;
  /** Size of the whole file (from Content-Range), or null if the server did not say. */
  total: number | null;
  /** True when the server ignored Range and sent the whole file (200). */
  whole: boolean;
  /** Requests sent, retries included. */
  attempts: number;
  identity: FileIdentity;
}

/** A failure worth another attempt: a network error, a timeout, a truncated body, 429 or 5xx. */
export class Retryable extends Error {}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/** What a request that follows redirects itself needs: where, whose headers, which fetch. */
export type FollowTarget = Pick<RangeRequest, 'url' | 'headers' | 'headerOrigins' | 'fetch'>;

/** The request itself: headers of its own (Range, Content-Type), and a method and body (POST). */
export interface FollowInit {
  headers: Record<string, string>;
  method?: 'GET' | 'POST';
  body?: string;
}

/**
 * Sends the request and follows redirects itself (at most 5): the user's headers go only to the
 * origin of the URL they were given with, or to `headerOrigins`; a redirect to another origin goes
 * without them. A POST redirected by 301, 302 or 303 becomes a GET without its body (as fetch does);
 * 307 and 308 keep both. Browsers hide where a redirect goes (an opaque redirect): there a source
 * with headers that is redirected is an error, one without headers lets the browser follow.
 */
export async function fetchFollowing(r: FollowTarget, init: FollowInit, signal: AbortSignal, label: string): Promise<Response> {
  let url = r.url;
  let headers = r.headers;
  let method = init.method ?? 'GET';
  let body = init.body;
  const home = new URL(url).origin;
  for (let hop = 0; ; hop++) {
    const res = await r.fetch(url, { method, body, headers: { ...headers, ...init.headers }, signal, cache: 'no-store', redirect: 'manual' } as RequestInit);
    if (res.type === 'opaqueredirect') {
      if (headers && Object.keys(headers).length) {
        throw new RemoteError(
          'REMOTE_FAILED',
          `${label}: is redirected, and a browser page cannot see where to; give the final URL (headers are sent only to the origin they were given for)`,
          { input: label },
        );
      }
      return r.fetch(url, { method, body, headers: init.headers, signal, cache: 'no-store' } as RequestInit);
    }
    if (!REDIRECTS.has(res.status)) return res;
    await res.body?.cancel().catch(() => undefined);
    const location = res.headers.get('location');
    if (!location) throw new RemoteError('REMOTE_FAILED', `${label}: redirect (HTTP ${res.status}) without a Location`, { input: label, status: res.status });
    if (hop >= MAX_REDIRECTS) throw new RemoteError('REMOTE_FAILED', `${label}: more than ${MAX_REDIRECTS} redirects`, { input: label, status: res.status });
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new RemoteError('REMOTE_FAILED', `${label}: redirect to an invalid URL`, { input: label, status: res.status });
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:')
      throw new RemoteError('REMOTE_FAILED', `${label}: redirect to a ${next.protocol} URL`, { input: label, status: res.status });
    if (next.origin !== home && !r.headerOrigins?.includes(next.origin)) headers = undefined;
    if (method === 'POST' && res.status !== 307 && res.status !== 308) {
      method = 'GET';
      body = undefined;
    }
    url = next.href;
  }
}

export async function fetchRange(r: RangeRequest): Promise<RangeResponse> {
  const label = redactUrl(r.url);
  return retrying(r, label, (attempts) => once(r, label).then((res) => ({ ...res, attempts })));
}

/**
 * Runs `attempt` until it does not throw a Retryable, at most `retries` + 1 times, waiting
 * `retryDelayMs` doubled each time; gives up with a RemoteError naming the last cause.
 */
export async function retrying<T>(r: Pick<RangeRequest, 'retries' | 'retryDelayMs' | 'signal'>, label: string, attempt: (attempts: number) => Promise<T>): Promise<T> {
  let lastError: Error | null = null;
  for (let n = 0; n <= r.retries; n++) {
    if (r.signal?.aborted) throw new AbortError(`reading ${label}`, r.signal.reason);
    if (n > 0) await sleep(r.retryDelayMs * 2 ** (n - 1), r.signal, label);
    try {
      return await attempt(n + 1);
    } catch (e) {
      if (!(e instanceof Retryable)) throw e;
      lastError = e;
    }
  }
  throw new RemoteError('REMOTE_FAILED', `${label}: ${lastError?.message} (gave up after ${r.retries + 1} attempts)`, { input: label, attempts: r.retries + 1 });
}

async function once(r: RangeRequest, label: string): Promise<Omit<RangeResponse, 'attempts'>> {
  const result = (res: Response, bytes: Uint8Array, total: number | null, whole: boolean) => {
    const identity = { etag: res.headers.get('etag'), lastModified: res.headers.get('last-modified'), size: total };
    if (r.expect) checkIdentity(r.expect, identity, label);
    return { bytes, total, whole, identity };
  };
  const time = deadline(r.timeoutMs, r.signal);
  const timedOut = time.timedOut;
  const range = `bytes=${r.start}-${r.end}`;
  try {
    let res: Response;
    try {
      res = await fetchFollowing(r, { headers: { Range: range } }, time.signal, label);
    } catch (e) {
      if (e instanceof RemoteError) throw e;
      if (r.signal?.aborted) throw new AbortError(`reading ${label}`, r.signal.reason);
      if (timedOut()) throw new Retryable(`no response within ${r.timeoutMs} ms`);
      throw new Retryable(`network error (${(e as Error)?.message ?? e})`);
    }
    const status = res.status;
    if (status === 206) {
      const cr = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
      if (!cr || Number(cr[1]) !== r.start) {
        await res.body?.cancel().catch(() => undefined);
        throw new RemoteError(
          'REMOTE_FAILED',
          `${label}: answered ${range} with Content-Range "${res.headers.get('content-range') ?? ''}"${cr ? '' : ' (a browser page needs the server to expose Content-Range: Access-Control-Expose-Headers)'}`,
          { input: label, status },
        );
      }
      const total = cr[3] === '*' ? null : Number(cr[3]);
      const wantedEnd = total === null ? r.end : Math.min(r.end, total - 1);
      if (Number(cr[2]) !== wantedEnd) {
        await res.body?.cancel().catch(() => undefined);
        throw new RemoteError('REMOTE_FAILED', `${label}: answered ${range} with a different range (Content-Range "${res.headers.get('content-range')}")`, {
          input: label,
          status,
        });
      }
      const expected = Number(cr[2]) - Number(cr[1]) + 1;
      const bytes = await body(res, label, r, timedOut, expected);
      if (bytes.byteLength !== expected) throw new Retryable(`truncated response: ${bytes.byteLength} of ${expected} bytes for ${range}`);
      return result(res, bytes, total, false);
    }
    if (status === 200) {
      // The server ignored Range. Acceptable only when the whole file is what was asked for.
      const len = Number(res.headers.get('content-length') ?? NaN);
      if (r.start === 0 && Number.isFinite(len) && len <= r.end + 1) {
        const bytes = await body(res, label, r, timedOut, len);
        if (bytes.byteLength !== len) throw new Retryable(`truncated response: ${bytes.byteLength} of ${len} bytes`);
        return result(res, bytes, len, true);
      }
      await res.body?.cancel().catch(() => undefined);
      throw new RemoteError(
        'REMOTE_FAILED',
        `${label}: the server ignores Range requests (answered ${range} with 200 and ${Number.isFinite(len) ? `${len} bytes` : 'the whole file'}); geotensor reads remote rasters by byte ranges and will not download whole files`,
        { input: label, status },
      );
    }
    await res.body?.cancel().catch(() => undefined);
    if (status === 429 || status >= 500) throw new Retryable(`HTTP ${status} ${res.statusText}`.trim());
    if (status === 404 || status === 410) throw new RemoteError('SOURCE_NOT_FOUND', `${label}: HTTP ${status} (not found)`, { input: label, status });
    if (status === 416) {
      // Bytes of the version pinned are beyond the end of what is served now: it changed (shrank).
      if (r.expect?.size != null && r.end < r.expect.size) {
        throw new RemoteError('SOURCE_CHANGED', `${label}: changed while being read (it is now shorter than its ${r.expect.size} bytes); open it again to read the new version`, {
          input: label,
        });
      }
      throw new RemoteError('REMOTE_FAILED', `${label}: HTTP 416, ${range} is beyond the end of the file`, { input: label, status });
    }
    if (status === 401 || status === 403)
      throw new RemoteError('REMOTE_FAILED', `${label}: HTTP ${status} (${status === 401 ? 'unauthorized' : 'forbidden'}; pass credentials with the headers option)`, {
        input: label,
        status,
      });
    throw new RemoteError('REMOTE_FAILED', `${label}: HTTP ${status} ${res.statusText}`.trim(), { input: label, status });
  } finally {
    time.done();
  }
}

/**
 * A signal for one request: aborted after `timeoutMs` or when `signal` aborts; `timedOut()` tells
 * which; `done()` clears the timer and the listener (call it in a finally).
 */
export function deadline(timeoutMs: number, signal?: AbortSignal): { signal: AbortSignal; timedOut(): boolean; done(): void } {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort();
  }, timeoutMs);
  const onAbort = () => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => expired,
    done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}

/** An answer from another version of the file than the one pinned: a changed ETag, Last-Modified or size. */
function checkIdentity(pinned: FileIdentity, now: FileIdentity, label: string): void {
  const changed =
    (pinned.etag !== null && now.etag !== null && pinned.etag !== now.etag) ||
    (pinned.lastModified !== null && now.lastModified !== null && pinned.lastModified !== now.lastModified) ||
    (pinned.size !== null && now.size !== null && pinned.size !== now.size);
  if (!changed) return;
  const what = pinned.etag !== now.etag ? 'ETag' : pinned.lastModified !== now.lastModified ? 'Last-Modified' : `size (${pinned.size} → ${now.size} bytes)`;
  throw new RemoteError('SOURCE_CHANGED', `${label}: changed while being read (its ${what} is not the one it had when opened); open it again to read the new version`, {
    input: label,
  });
}

/**
 * The body of an answer whose length the server announced (Content-Range, Content-Length), read into
 * a buffer of that length: a server that sends more (a chunked body past its own range) is refused
 * as soon as the excess arrives, never held in memory. Fewer bytes come back as they are (the caller
 * reports a truncated answer).
 */
async function body(res: Response, label: string, r: RangeRequest, timedOut: () => boolean, expected: number): Promise<Uint8Array> {
  const out = new Uint8Array(expected);
  let at = 0;
  try {
    const reader = res.body?.getReader();
    if (!reader) return out.subarray(0, 0);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return at === expected ? out : out.subarray(0, at);
      if (value.byteLength > expected - at) {
        await reader.cancel().catch(() => undefined);
        throw new RemoteError('REMOTE_FAILED', `${label}: sent more than the ${expected} bytes it announced for bytes=${r.start}-${r.end}`, {
          input: label,
          status: res.status,
        });
      }
      out.set(value, at);
      at += value.byteLength;
    }
  } catch (e) {
    if (e instanceof RemoteError) throw e;
    if (r.signal?.aborted) throw new AbortError(`reading ${label}`, r.signal.reason);
    if (timedOut()) throw new Retryable(`body not received within ${r.timeoutMs} ms`);
    throw new Retryable(`connection lost while reading the body (${(e as Error)?.message ?? e})`);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined, label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new AbortError(`reading ${label}`, signal?.reason));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
