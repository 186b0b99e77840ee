/**
 * The engine in-thread, behind the same Comlink interface as the worker, over a pair of in-memory
 * endpoints (no MessageChannel needed: workerd has none by default). For edge runtimes (workerd)
 * that have no Web Workers; there, hand the compiled module in:
 * `configureEngine({ mode: 'inline', inlineEngine: startInlineEngine, assets: { wasm: compiledModule, data: bytes } })`.
 */
import * as Comlink from 'comlink';
import { installErrorTransfer } from '../src/engine/protocol.js';
import type { EngineConnection } from '../src/engine/protocol.js';
import { createEngineApi } from './api.js';

type Listener = EventListenerOrEventListenerObject;

/** Two endpoints that deliver each other's messages asynchronously, in order, in this thread. */
function endpointPair(): [Comlink.Endpoint, Comlink.Endpoint, () => void] {
  let closed = false;
  const make = () => ({ listeners: new Set<Listener>() });
  const a = make();
  const b = make();
  const endpoint = (self: { listeners: Set<Listener> }, other: { listeners: Set<Listener> }): Comlink.Endpoint => ({
    postMessage(data: unknown) {
      if (closed) return;
      // A macrotask-free hop that still lets the caller finish first (as postMessage does).
      Promise.resolve().then(() => {
        if (closed) return;
        const ev = { data } as MessageEvent;
        for (const l of [...other.listeners]) typeof l === 'function' ? l(ev) : l.handleEvent(ev);
      });
    },
    addEventListener(_t: string, l: Listener) {
      self.listeners.add(l);
    },
    removeEventListener(_t: string, l: Listener) {
      self.listeners.delete(l);
    },
  });
  return [endpoint(a, b), endpoint(b, a), () => (closed = true)];
}

export function startInlineEngine(): EngineConnection {
  installErrorTransfer();
  const [host, engine, close] = endpointPair();
  Comlink.expose(createEngineApi(), engine);
  return {
    endpoint: host,
    onDeath() {},
    terminate() {
      close();
    },
  };
}
