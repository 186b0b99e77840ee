/**
 * numpy's legacy global generator (`np.random.seed(n)`, then `np.random.rand` / `random_sample`):
 * MT19937 seeded with `init_genrand(n)` (numpy's legacy seeding of an integer), and doubles of 53
 * random bits made from two 32-bit draws, `(a >> 5) * 2^26 + (b >> 6)) / 2^53`. So a grid made here
 * with `{ rng: 'numpy', seed }` is the one Keras Spatial's `random_grid` makes after
 * `np.random.seed(seed)`.
 */
import type { Rng } from './rng.js';

export function numpyRng(seed: number): Rng {
  const mt = new Uint32Array(624);
  mt[0] = seed >>> 0;
  for (let i = 1; i < 624; i++) {
    const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
    mt[i] = (Math.imul(1812433253, prev) + i) >>> 0; // 1812433253 * prev + i, modulo 2^32
  }
  let index = 624;
  const int32 = (): number => {
    if (index >= 624) {
      for (let k = 0; k < 624; k++) {
        const y = (mt[k] & 0x80000000) | (mt[(k + 1) % 624] & 0x7fffffff);
        mt[k] = mt[(k + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      index = 0;
    }
    let y = mt[index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  };
  return {
    next(): number {
      const a = int32() >>> 5;
      const b = int32() >>> 6;
      return (a * 67108864 + b) / 9007199254740992;
    },
    int(n: number): number {
      return Math.floor(this.next() * n);
    },
  } as Rng;
}
