/**
 * The worker's slots for blocks copied from the shared store (wasm/block-slab.ts): no allocation per
 * block, and a slot let go during a read is not handed out again before the next read.
 */
import { assert, test } from './lib/harness.js';
import { BlockSlab } from '../wasm/block-slab.js';

test('block slots: distinct views of one buffer; none past the last slot or for a block larger than a slot', () => {
  const slab = new BlockSlab(3, 1024);
  const [a, b, c] = [slab.claim(1024)!, slab.claim(1000)!, slab.claim(1)!];
  assert.ok(a && b && c, 'three slots');
  assert.ok(a.buffer === b.buffer && b.buffer === c.buffer, 'one buffer');
  assert.deepEqual(
    [a, b, c].map((v) => [v.byteOffset, v.byteLength]),
    [
      [0, 1024],
      [1024, 1000],
      [2048, 1],
    ],
  );
  assert.equal(slab.claim(16), null, 'every slot taken');
  assert.equal(new BlockSlab(3, 1024).claim(1025), null, 'larger than a slot');
});

test('block slots: one let go is free only after settle (the read letting it go may still hold it); one never filled is free at once; foreign views are ignored', () => {
  const slab = new BlockSlab(2, 64);
  const a = slab.claim(64)!;
  const b = slab.claim(64)!;
  a.fill(7);
  slab.letGo(a);
  assert.equal(slab.claim(64), null, 'not before settle');
  assert.ok(
    a.every((v) => v === 7),
    'the let-go block is intact until then',
  );
  slab.settle();
  const again = slab.claim(64)!;
  assert.equal(again.byteOffset, a.byteOffset, 'its slot after settle');
  slab.unclaim(b);
  assert.equal(slab.claim(32)?.byteOffset, b.byteOffset, 'a slot never filled, at once');
  slab.letGo(new Uint8Array(64));
  slab.settle();
  assert.equal(slab.claim(64), null, 'a view of another buffer frees nothing');
});
