/** A Comlink endpoint over a Node worker_threads Worker or MessagePort (as comlink's node-adapter). */
import type { Endpoint } from 'comlink';

interface NodePort {
  postMessage(msg: unknown, transfer?: readonly unknown[]): void;
  on(ev: 'message', l: (data: unknown) => void): unknown;
  off(ev: 'message', l: (data: unknown) => void): unknown;
  start?: () => void;
}

type Listener = EventListenerOrEventListenerObject;

export function nodeEndpoint(port: NodePort): Endpoint {
  const listeners = new WeakMap<Listener, (data: unknown) => void>();
  return {
    postMessage: (msg: unknown, transfer?: Transferable[]) => port.postMessage(msg, transfer),
    addEventListener: (_type: string, eh: Listener) => {
      const l = (data: unknown) => {
        const ev = { data } as MessageEvent;
        if (typeof eh === 'function') eh(ev);
        else eh.handleEvent(ev);
      };
      port.on('message', l);
      listeners.set(eh, l);
    },
    removeEventListener: (_type: string, eh: Listener) => {
      const l = listeners.get(eh);
      if (!l) return;
      port.off('message', l);
      listeners.delete(eh);
    },
    start: port.start?.bind(port),
  } as Endpoint;
}
