/** Samples in time: random grids drawing an interval per sample, temporal splits keeping train before validation. */
import { assert, remoteUrl, test } from './lib/harness.js';
import { ArgumentError, randomGrid, SampleSet, SpatialDataGenerator } from '../src/index.js';

const DAY = 86_400_000;

test('randomGrid with time: the same boxes, and a seeded interval of timeSpan days per sample inside the window', () => {
  const plain = randomGrid([0, 0, 1000, 1000], 10, 10, 200, { seed: 7 });
  const timed = randomGrid([0, 0, 1000, 1000], 10, 10, 200, { seed: 7, time: ['2024-01-01T00:00:00Z', '2024-12-31T00:00:00Z'], timeSpan: 20 });
  assert.deepEqual(Array.from(timed.boxes().minx), Array.from(plain.boxes().minx), 'boxes unchanged by time');
  const again = randomGrid([0, 0, 1000, 1000], 10, 10, 200, { seed: 7, time: ['2024-01-01T00:00:00Z', '2024-12-31T00:00:00Z'], timeSpan: 20 });
  assert.deepEqual(again.column('time_start'), timed.column('time_start'), 'deterministic for a seed');
  const [lo, hi] = [Date.parse('2024-01-01T00:00:00Z'), Date.parse('2024-12-31T00:00:00Z')];
  const starts = timed.column('time_start').map((v) => Date.parse(String(v)));
  const ends = timed.column('time_end').map((v) => Date.parse(String(v)));
  for (let i = 0; i < 200; i++) {
    assert.ok(starts[i] >= lo && ends[i] <= hi, `sample ${i} inside the window`);
    assert.equal(ends[i] - starts[i], 20 * DAY, `sample ${i}: 20 days`);
  }
  const months = new Set(starts.map((t) => new Date(t).getUTCMonth()));
  assert.ok(months.size >= 10, `starts spread over the year (${months.size} months)`);
  assert.throws(() => randomGrid([0, 0, 10, 10], 1, 1, 1, { time: ['2024-02-01', '2024-01-01'] }), ArgumentError, { input: 'time' });
  assert.throws(() => randomGrid([0, 0, 10, 10], 1, 1, 1, { time: ['2024-01-01', '2024-01-10'], timeSpan: 30 }), ArgumentError, { input: 'timeSpan' });
});

test('temporalSplit: whole intervals before each cut, a cut belongs to the later part, intervals across a cut dropped', () => {
  const s = SampleSet.fromBounds(
    Array.from({ length: 6 }, (_, i) => [i, 0, i + 1, 1]),
    null,
    {
      time_start: ['2024-01-01', '2024-05-20', '2024-06-01', '2024-06-25', '2024-09-01', '2024-06-30'],
      time_end: ['2024-01-31', '2024-06-01', '2024-06-10', '2024-07-05', '2024-09-30', '2024-06-30'],
    },
  );
  const { parts, dropped } = s.temporalSplit({ at: ['2024-06-01', '2024-07-01'] });
  assert.deepEqual(
    parts.map((p) => Array.from(p.boxes().minx)),
    [[0, 1], [2, 5], [4]],
    'train (before June), validation (June), test (after)',
  );
  assert.deepEqual(Array.from(dropped.boxes().minx), [3], 'the interval across 1 July');
  assert.throws(() => s.temporalSplit({ at: ['2024-07-01', '2024-06-01'] }), ArgumentError, { input: 'at' });
  assert.throws(() => SampleSet.fromBounds([[0, 0, 1, 1]]).temporalSplit({ at: '2024-01-01' }), ArgumentError, { input: 'samples' });
});

test('a random grid in space and time over a STAC source: each sample reads only dates within its own interval', async () => {
  const sdg = await SpatialDataGenerator.open(remoteUrl('ok', 'stac/catalog.json'), { assets: ['B1'], time: { steps: 2 } });
  const grid = sdg.randomGrid(2000, 2000, 24, { seed: 3, time: ['2002-06-15T00:00:00Z', '2002-08-15T00:00:00Z'], timeSpan: 20 });
  let seen = 0;
  for await (const b of sdg.flow(grid, 16, 16, { batchSize: 8 })) {
    b.indices.forEach((row, k) => {
      const [t0, t1] = [Date.parse(String(grid.column('time_start')[row])), Date.parse(String(grid.column('time_end')[row]))];
      for (const t of b.times![k]) if (t !== null) assert.ok(Date.parse(t) >= t0 && Date.parse(t) <= t1, `sample ${row}: ${t} within its interval`);
      seen += b.times![k].filter((t) => t !== null).length;
    });
  }
  assert.ok(seen > 0 && seen < 48, `some dates read, never both for a 20-day interval (${seen})`);
  const cut = Date.parse('2002-07-15T00:00:00Z');
  const { parts, dropped } = grid.temporalSplit({ at: cut });
  assert.equal(parts[0].length + parts[1].length + dropped.length, 24, 'every sample in a part or dropped');
  assert.ok(
    parts[0].column('time_end').every((t) => Date.parse(String(t)) <= cut),
    'train ends by the cut',
  );
  assert.ok(
    parts[1].column('time_start').every((t) => Date.parse(String(t)) >= cut),
    'validation starts at the cut',
  );
  await sdg.close();
});
