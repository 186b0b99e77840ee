/**
 * Progress of long passes (flows, attributes, chip exports): a callback, or `true` for a text bar on
 * a terminal (stderr, Node and Deno) and a `geotensor-progress` event on `globalThis` elsewhere
 * (browsers: `addEventListener('geotensor-progress', e => e.detail)`).
 */
import { currentRuntime } from './index.js';

export type ProgressOption = boolean | ((done: number, total: number) => void);

export interface ProgressDetail {
  label: string;
  done: number;
  total: number;
}

export function progressReporter(label: string, total: number, option: ProgressOption | undefined): { tick(done: number): void; end(): void } {
  if (!option || total <= 0) return { tick() {}, end() {} };
  if (typeof option === 'function') return { tick: (d) => option(d, total), end() {} };
  const stderr = currentRuntime().terminal();
  if (stderr) {
    let last = -1;
    const draw = (d: number) => {
      const width = Math.max(10, Math.min(40, (stderr.columns ?? 80) - label.length - 20));
      const filled = Math.round((width * d) / total);
      stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${d}/${total}`);
    };
    return {
      tick(d) {
        const pct = Math.floor((100 * d) / total);
        if (pct !== last) {
          last = pct;
          draw(d);
        }
      },
      end() {
        if (last >= 0) stderr.write('\n');
      },
    };
  }
  const g = globalThis as { dispatchEvent?: (e: Event) => boolean };
  if (typeof g.dispatchEvent === 'function' && typeof CustomEvent === 'function') {
    return { tick: (d) => g.dispatchEvent!(new CustomEvent<ProgressDetail>('geotensor-progress', { detail: { label, done: d, total } })), end() {} };
  }
  return { tick() {}, end() {} }; // no terminal and no events (e.g. Node with stderr piped): nothing to draw on
}
