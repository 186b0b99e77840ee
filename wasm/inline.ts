/**
 * The engine in-thread, behind the same Comlink interface as the worker, over a MessageChannel.
 * For edge runtimes (workerd) that have no Web Workers; there, hand the compiled module in:
 * `configureEngine({ mode: 'inline', assets: { wasm: compiledModule, data: bytes } })`.
 */
import * as Comlink from 'comlink';
import { installErrorTransfer } from '../src/engine/error-transfer.js';
import type { WorkerHandle } from '../src/runtime/types.js';
import { createEngineApi } from './api.js';

export function startInlineEngine(): WorkerHandle {
  installErrorTransfer();
  const { port1, port2 } = new MessageChannel();
  Comlink.expose(createEngineApi(), port2);
  port1.start();
  port2.start();
  return {
    endpoint: port1,
    onDeath() {},
    terminate() {
      port1.close();
      port2.close();
    },
  };
}
