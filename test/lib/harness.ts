/**
 * A small test harness that runs the same test files in Node, Deno and a browser page. Each runner
 * (test/runners/*) sets the environment, imports the test files and calls `run()`, which prints a
 * line per test and closes with `N passed, N failed`.
 */
export interface TestEnv {
  runtime: 'node' | 'deno' | 'browser';
  /** A raster of ../shared/data as the runtime opens it: a path in Node and Deno, a Blob in the browser. */
  sharedSource(name: string): Promise<string | Blob>;
  /** A raster under test/fixtures as the runtime opens it (path or Blob). */
  fixtureSource(rel: string): Promise<string | Blob>;
  /** Bytes of a file under test/fixtures. */
  fixtureBytes(rel: string): Promise<Uint8Array>;
  fixtureJson<T = unknown>(rel: string): Promise<T>;
  /** A path (Node, Deno) or URL (browser) of a file under ../shared/data, for readers that take either. */
  sharedPath(name: string): string;
  /** Bytes of a file under ../shared/data. */
  sharedBytes(name: string): Promise<Uint8Array>;
  /** Base URL of the range server of test/remote/server.mjs (started by test/run-all.mjs). */
  remoteBase: string;
}

/** URL of `file` (under test/.cache/remote) served by the test range server in `mode` (ok, lat-20, 404...). */
export function remoteUrl(mode: string, file: string): string {
  const base = testEnv().remoteBase;
  if (!base) throw new Error('no test range server: run the tests through test/run-all.mjs (npm test), which starts it');
  return `${base}/${mode}/${file}`;
}

/** What the test range server has sent for `path` (e.g. "/ok/big.tif") since the last reset. */
export async function remoteServed(path: string): Promise<{ requests: number; bytes: number; apiKey: number; basic: number; maxInFlight: number }> {
  const s = await (await fetch(`${testEnv().remoteBase}/__stats`)).json();
  return s.byPath[path] ?? { requests: 0, bytes: 0, apiKey: 0, basic: 0, maxInFlight: 0 };
}

/** A raster's description without its sandbox file names (they differ between opens). */
export function withoutFiles(meta: object): unknown {
  return JSON.parse(JSON.stringify(meta, (k, v) => (k === 'files' ? undefined : v)));
}

/** The most requests the test range server has had in flight at once, over every path, since the last reset. */
export async function remoteMaxInFlight(): Promise<number> {
  return (await (await fetch(`${testEnv().remoteBase}/__stats`)).json()).maxInFlight;
}

/** The test range server's other port: the same files from another origin. */
export async function remoteOtherBase(): Promise<string> {
  return (await fetch(`${testEnv().remoteBase}/__other`)).text();
}

/** Makes the test range server's failafter-N paths work again. */
export async function remoteHeal(): Promise<void> {
  await (await fetch(`${testEnv().remoteBase}/__heal`)).text();
}

export async function remoteReset(): Promise<void> {
  await (await fetch(`${testEnv().remoteBase}/__reset`)).text();
}

interface Case {
  name: string;
  fn: () => unknown | Promise<unknown>;
  only?: string[];
}

const cases: Case[] = [];
let env: TestEnv | null = null;

export function setEnv(e: TestEnv): void {
  env = e;
}

export function testEnv(): TestEnv {
  if (!env) throw new Error('test environment not set');
  return env;
}

/** Registers a test. `runtimes` limits it to some runtimes (where a source type does not exist). */
export function test(name: string, fn: () => unknown | Promise<unknown>, runtimes?: TestEnv['runtime'][]): void {
  cases.push({ name, fn, only: runtimes });
}

export interface RunResult {
  passed: number;
  failed: number;
  failures: { name: string; error: string }[];
}

export async function run(print: (line: string) => void = console.log, filter?: string): Promise<RunResult> {
  const e = testEnv();
  const result: RunResult = { passed: 0, failed: 0, failures: [] };
  for (const c of cases) {
    if (c.only && !c.only.includes(e.runtime)) continue;
    if (filter && !filter.split('|').some((f) => c.name.includes(f))) continue;
    const t0 = performance.now();
    try {
      await c.fn();
      result.passed++;
      print(`ok - ${c.name} (${(performance.now() - t0).toFixed(0)} ms)`);
    } catch (err) {
      result.failed++;
      const msg = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      result.failures.push({ name: c.name, error: msg });
      print(`not ok - ${c.name}\n  ${msg.split('\n').join('\n  ')}`);
    }
  }
  print(`${e.runtime}: ${result.passed} passed, ${result.failed} failed`);
  return result;
}

export class AssertionError extends Error {
  override name = 'AssertionError';
}

function fmt(v: unknown): string {
  try {
    return typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));
  } catch {
    return String(v);
  }
}

export const assert = {
  ok(v: unknown, msg = 'expected a truthy value'): void {
    if (!v) throw new AssertionError(msg);
  },
  equal<T>(actual: T, expected: T, msg?: string): void {
    if (!Object.is(actual, expected)) throw new AssertionError(`${msg ? `${msg}: ` : ''}expected ${fmt(expected)}, got ${fmt(actual)}`);
  },
  deepEqual(actual: unknown, expected: unknown, msg?: string): void {
    if (fmt(actual) !== fmt(expected)) throw new AssertionError(`${msg ? `${msg}: ` : ''}expected ${fmt(expected)}, got ${fmt(actual)}`);
  },
  match(actual: string, re: RegExp, msg?: string): void {
    if (!re.test(actual)) throw new AssertionError(`${msg ? `${msg}: ` : ''}expected to match ${re}, got ${fmt(actual)}`);
  },
  close(actual: number, expected: number, tol: number, msg?: string): void {
    if (!(Math.abs(actual - expected) <= tol)) throw new AssertionError(`${msg ? `${msg}: ` : ''}expected ${expected} ± ${tol}, got ${actual}`);
  },
  /** Calls `f` and checks it throws an error of `cls` whose fields match `match`. */
  throws<E extends Error>(f: () => unknown, cls: abstract new (...a: never[]) => E, match: Partial<Record<string, unknown>> & { message?: RegExp } = {}): E {
    let err: unknown;
    try {
      f();
    } catch (e) {
      err = e;
    }
    if (!(err instanceof cls)) throw new AssertionError(`expected ${cls.name}, got ${err === undefined ? 'no error' : `${(err as Error)?.name}: ${(err as Error)?.message}`}`);
    for (const [k, v] of Object.entries(match)) {
      const actual = (err as unknown as Record<string, unknown>)[k];
      if (v instanceof RegExp ? !v.test(String(actual)) : actual !== v) {
        throw new AssertionError(`${cls.name}.${k}: expected ${v instanceof RegExp ? v : fmt(v)}, got ${fmt(actual)}`);
      }
    }
    return err as E;
  },
  /** Awaits `p` and checks it rejects with an error of `cls` whose fields match `match`. */
  async rejects<E extends Error>(
    p: Promise<unknown> | (() => Promise<unknown>),
    cls: abstract new (...a: never[]) => E,
    match: Partial<Record<string, unknown>> & { message?: RegExp } = {},
  ): Promise<E> {
    let err: unknown;
    try {
      await (typeof p === 'function' ? p() : p);
    } catch (e) {
      err = e;
    }
    if (err === undefined) throw new AssertionError(`expected a rejection with ${cls.name}, but it resolved`);
    if (!(err instanceof cls)) throw new AssertionError(`expected ${cls.name}, got ${(err as Error)?.name}: ${(err as Error)?.message}`);
    for (const [k, v] of Object.entries(match)) {
      const actual = (err as unknown as Record<string, unknown>)[k];
      if (v instanceof RegExp ? !v.test(String(actual)) : actual !== v) {
        throw new AssertionError(`${cls.name}.${k}: expected ${v instanceof RegExp ? v : fmt(v)}, got ${fmt(actual)}`);
      }
    }
    return err as E;
  },
};
