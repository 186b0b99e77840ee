/**
 * The engine worker: one GDAL (WebAssembly) per worker, exposed with Comlink. Runs as a Node
 * worker_threads worker, a Deno Web Worker or a browser module Web Worker.
 */
import * as Comlink from 'comlink';
import { installErrorTransfer } from '../src/engine/error-transfer.js';
import { nodeEndpoint } from '../src/runtime/node-endpoint.js';
import { createEngineApi } from './api.js';

async function endpoint(): Promise<Comlink.Endpoint> {
  const g = globalThis as { WorkerGlobalScope?: unknown; Deno?: unknown };
  if (typeof g.WorkerGlobalScope !== 'undefined' || typeof g.Deno !== 'undefined') {
    return globalThis as unknown as Comlink.Endpoint;
  }
  const { parentPort } = await import('node:worker_threads');
  return nodeEndpoint(parentPort as never);
}

installErrorTransfer();
Comlink.expose(createEngineApi(), await endpoint());
