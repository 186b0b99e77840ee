/**
 * One error hierarchy for everything geotensor throws. Each error has a stable `code`, names the
 * offending input (a path, a URL without its query string, an option name, a sample index) and
 * carries GDAL's own message when GDAL produced one.
 */
export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'SOURCE_NOT_FOUND'
  | 'SOURCE_UNREADABLE'
  | 'SOURCE_NOT_GEOREFERENCED'
  /** The source reaches outside its sandbox (a VRT naming MEM:::, /vsi*, raw bands or files it was not opened with). */
  | 'SOURCE_UNSAFE'
  /** A remote file changed (ETag, Last-Modified or size) while it was being read. */
  | 'SOURCE_CHANGED'
  | 'CRS_INVALID'
  | 'SAMPLE_FAILED'
  | 'ENGINE_FAILED'
  | 'ENGINE_CLOSED'
  | 'REMOTE_FAILED'
  | 'ABORTED';

export interface ErrorDetails {
  /** The input the error is about: a path, a URL without query, an option name, a CRS string. */
  input?: string;
  /** GDAL's own message, when GDAL reported one. */
  gdalMessage?: string;
  /** What was expected, for argument errors. */
  expected?: string;
  /** Anything else worth keeping (sample index, box, ...). */
  [key: string]: unknown;
}

export class GeotensorError extends Error {
  static readonly errorName: string = 'GeotensorError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails;
  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    // An explicit string per class (a minifier renames classes): what error transfer and users see.
    this.name = (new.target as unknown as { errorName?: string }).errorName ?? 'GeotensorError';
    this.code = code;
    this.details = details;
  }
  get input(): string | undefined {
    return this.details.input;
  }
  get gdalMessage(): string | undefined {
    return this.details.gdalMessage;
  }
}

/** A wrong option or argument, rejected before any work is done. */
export class ArgumentError extends GeotensorError {
  static override readonly errorName = 'ArgumentError';
  constructor(input: string, expected: string, got: unknown) {
    super('INVALID_ARGUMENT', `${input}: expected ${expected}, got ${describeValue(got)}`, { input, expected });
  }
}

/** A raster that cannot be found, opened or understood. */
export class SourceError extends GeotensorError {
  static override readonly errorName = 'SourceError';
}
/** A coordinate reference system that cannot be parsed or used. */
export class CrsError extends GeotensorError {
  static override readonly errorName = 'CrsError';
}
/** A sample that could not be produced. */
export class SampleError extends GeotensorError {
  static override readonly errorName = 'SampleError';
}
/** The engine (GDAL in WebAssembly, its worker) failed or was closed. */
export class EngineError extends GeotensorError {
  static override readonly errorName = 'EngineError';
}
/** A remote source failed (HTTP status, network, truncated body). */
export class RemoteError extends GeotensorError {
  static override readonly errorName = 'RemoteError';
}
/** The operation was cancelled through an AbortSignal. */
export class AbortError extends GeotensorError {
  static override readonly errorName = 'AbortError';
  constructor(what: string, reason?: unknown) {
    super('ABORTED', `${what} was aborted${reason instanceof Error ? `: ${reason.message}` : ''}`, { input: what });
  }
}

const classes = { GeotensorError, ArgumentError, SourceError, CrsError, SampleError, EngineError, RemoteError, AbortError };

/** Plain-object form of an error, for crossing a worker boundary. */
export interface SerializedError {
  __geotensorError: true;
  name: string;
  code: ErrorCode;
  message: string;
  details: ErrorDetails;
  stack?: string;
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof GeotensorError) {
    return { __geotensorError: true, name: err.name, code: err.code, message: err.message, details: err.details, stack: err.stack };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    __geotensorError: true,
    name: 'EngineError',
    code: 'ENGINE_FAILED',
    message: `engine failed: ${e.message}`,
    details: {},
    stack: e.stack,
  };
}

export function deserializeError(s: SerializedError): GeotensorError {
  const Cls = (classes as Record<string, typeof GeotensorError>)[s.name] ?? GeotensorError;
  const err = Object.create(Cls.prototype) as GeotensorError;
  Object.assign(err, { name: s.name, message: s.message, code: s.code, details: s.details });
  if (s.stack) err.stack = s.stack;
  return err;
}

export function isSerializedError(v: unknown): v is SerializedError {
  return typeof v === 'object' && v !== null && (v as SerializedError).__geotensorError === true;
}

function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return `[${v.slice(0, 6).map(describeValue).join(', ')}${v.length > 6 ? ', ...' : ''}]`;
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as Uint8Array).length})`;
  return Object.prototype.toString.call(v);
}

/**
 * A URL as geotensor prints it: without user name and password (`https://user:pass@host`), query
 * string and fragment, so credentials and tokens never reach a message, a log or a label.
 */
export function redactUrl(u: string): string {
  const q = u.search(/[?#]/);
  const noQuery = q < 0 ? u : u.slice(0, q);
  return noQuery.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/]*@/i, '$1');
}
