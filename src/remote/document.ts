/**
 * A whole small document over HTTP (a STAC item, catalog or search page): GET or POST of JSON,
 * with the remote options' headers (kept to their origins across redirects), timeout, retries
 * (network errors, timeouts, 429, 5xx) and a size limit checked as the body arrives. Errors name the
 * URL without its query string; headers never appear in a message.
 */
import { AbortError, RemoteError, SourceError, redactUrl } from '../core/errors.js';
import { deadline, type FollowInit, fetchFollowing, Retryable, retrying } from './http.js';
import { moveUserinfo } from './remote.js';
import type { RemoteOptions } from './types.js';

export interface DocumentRequest {
  url: string;
  method?: 'GET' | 'POST';
  /** A JSON body (POST). */
  body?: unknown;
  /** Largest body accepted, in bytes. */
  maxBytes: number;
  /** What the document should be, for messages ("a STAC item"). */
  what: string;
}

/** The JSON document at `r.url`. */
export async function fetchJson(r: DocumentRequest, remote: RemoteOptions = {}): Promise<unknown> {
  const label = redactUrl(r.url);
  let parsed: URL;
  try {
    parsed = new URL(r.url);
  } catch {
    throw new SourceError('SOURCE_NOT_FOUND', `${label}: not a URL (${r.what} was expected here)`, { input: label });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new SourceError('SOURCE_NOT_FOUND', `${label}: only http(s) URLs are read (${r.what} was expected here)`, { input: label });
  }
  const { url, headers } = moveUserinfo(r.url, remote.headers); // fetch refuses credentials in URLs, and prints them
  const opts = {
    url,
    headers,
    headerOrigins: remote.headerOrigins,
    fetch: remote.fetch ?? globalThis.fetch.bind(globalThis),
    timeoutMs: remote.timeoutMs ?? 30_000,
    retries: remote.retries ?? 3,
    retryDelayMs: remote.retryDelayMs ?? 200,
    signal: remote.signal,
  };
  const bytes = await retrying(opts, label, () => once(opts, r, label));
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SourceError('SOURCE_UNREADABLE', `${label}: is not UTF-8 text (${r.what} was expected)`, { input: label });
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new SourceError('SOURCE_UNREADABLE', `${label}: is not JSON (${r.what} was expected)`, { input: label });
  }
}

type Target = Parameters<typeof fetchFollowing>[0] & { timeoutMs: number; signal?: AbortSignal };

async function once(t: Target, r: DocumentRequest, label: string): Promise<Uint8Array> {
  const time = deadline(t.timeoutMs, t.signal);
  const failed = (e: unknown, what: string): Error => {
    if (e instanceof RemoteError || e instanceof SourceError) return e;
    if (t.signal?.aborted) return new AbortError(`reading ${label}`, t.signal.reason);
    if (time.timedOut()) return new Retryable(`${what} within ${t.timeoutMs} ms`);
    return new Retryable(`network error (${(e as Error)?.message ?? e})`);
  };
  try {
    let res: Response;
    const init: FollowInit =
      r.method === 'POST'
        ? { method: 'POST' as const, body: JSON.stringify(r.body ?? {}), headers: { 'Content-Type': 'application/json', Accept: 'application/geo+json, application/json' } }
        : { headers: { Accept: 'application/geo+json, application/json' } };
    try {
      res = await fetchFollowing(t, init, time.signal, label);
    } catch (e) {
      throw failed(e, 'no response');
    }
    const status = res.status;
    if (status !== 200) {
      await res.body?.cancel().catch(() => undefined);
      if (status === 429 || status >= 500) throw new Retryable(`HTTP ${status} ${res.statusText}`.trim());
      if (status === 404 || status === 410) throw new RemoteError('SOURCE_NOT_FOUND', `${label}: HTTP ${status} (not found; ${r.what} was expected)`, { input: label, status });
      if (status === 401 || status === 403)
        throw new RemoteError('REMOTE_FAILED', `${label}: HTTP ${status} (${status === 401 ? 'unauthorized' : 'forbidden'}; pass credentials with the headers option)`, {
          input: label,
          status,
        });
      throw new RemoteError('REMOTE_FAILED', `${label}: HTTP ${status} ${res.statusText} (${r.what} was expected)`.trim(), { input: label, status });
    }
    const declared = Number(res.headers.get('content-length') ?? Number.NaN);
    if (declared > r.maxBytes) {
      await res.body?.cancel().catch(() => undefined);
      throw tooLarge(label, r, `${declared} bytes`);
    }
    try {
      return await readLimited(res, r.maxBytes, () => tooLarge(label, r, `over ${r.maxBytes} bytes`));
    } catch (e) {
      throw failed(e, 'no whole body');
    }
  } finally {
    time.done();
  }
}

function tooLarge(label: string, r: DocumentRequest, size: string): SourceError {
  return new SourceError('SOURCE_UNREADABLE', `${label}: is ${size}, more than the ${r.maxBytes} bytes allowed for ${r.what} (raise the limit: maxDocumentBytes)`, {
    input: label,
  });
}

/** The body, read chunk by chunk and refused as soon as it passes `max` bytes. */
async function readLimited(res: Response, max: number, tooBig: () => Error): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.byteLength;
    if (n > max) {
      await reader.cancel().catch(() => undefined);
      throw tooBig();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
