/** The adapter for the runtime this code runs in (one detector: core/runtime-kind.ts). */
import { runtimeKind } from '../core/runtime-kind.js';
import { nodeRuntime } from './node.js';
import type { RuntimeAdapter } from './types.js';
import { browserRuntime, denoRuntime } from './web.js';

export type { RuntimeAdapter, Terminal } from './types.js';

export function currentRuntime(): RuntimeAdapter {
  const k = runtimeKind();
  return k === 'deno' ? denoRuntime : k === 'node' ? nodeRuntime : browserRuntime;
}
