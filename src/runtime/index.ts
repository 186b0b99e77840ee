import type { RuntimeAdapter } from './types.js';
import { nodeRuntime } from './node.js';
import { browserRuntime, denoRuntime } from './web.js';

export type { RuntimeAdapter, WorkerHandle } from './types.js';

/** The adapter for the runtime this code runs in. */
export function currentRuntime(): RuntimeAdapter {
  const g = globalThis as { Deno?: unknown; process?: { versions?: { node?: string } } };
  if (typeof g.Deno !== 'undefined') return denoRuntime;
  if (typeof g.process?.versions?.node === 'string') return nodeRuntime;
  return browserRuntime;
}
