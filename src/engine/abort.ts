/**
 * One 'abort' listener per AbortSignal, however many calls wait on it (a flow shares its signal
 * with every sample in flight; one listener each would trip Node's MaxListeners warning).
 */
const waiters = new WeakMap<AbortSignal, Set<() => void>>();

export function onAbort(signal: AbortSignal, cb: () => void): () => void {
  let set = waiters.get(signal);
  if (!set) {
    const s = new Set<() => void>();
    set = s;
    waiters.set(signal, s);
    signal.addEventListener(
      'abort',
      () => {
        for (const f of [...s]) f();
        s.clear();
      },
      { once: true },
    );
  }
  set.add(cb);
  return () => set!.delete(cb);
}
