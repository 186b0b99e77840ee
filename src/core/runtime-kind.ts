/**
 * The one runtime detector. Every place that needs to know where it runs asks this (the runtime
 * adapters on the host side, the WebAssembly side's own adapter); nothing else probes globals.
 */
export type RuntimeKind = 'node' | 'deno' | 'browser';

export function runtimeKind(): RuntimeKind {
  const g = globalThis as { Deno?: unknown; process?: { versions?: { node?: string } } };
  if (typeof g.Deno !== 'undefined') return 'deno';
  if (typeof g.process?.versions?.node === 'string') return 'node';
  // Browsers, browser workers, edge runtimes (workerd): web APIs only.
  return 'browser';
}

/** Node or Deno: a file system and Node's built-in modules (Deno implements node:*). */
export function hasNodeApis(): boolean {
  return runtimeKind() !== 'browser';
}
