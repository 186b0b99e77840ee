// One standalone bench's block in bench/RESULTS.md (between `<!-- key -->` and `<!-- /key -->`):
// replaced in place, or appended under `heading` the first time. Shared by bench/vector.mjs,
// bench/footprint.mjs and bench/remote.mjs.
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

export function writeResultsBlock(key, heading, lines) {
  const md = readFileSync('bench/RESULTS.md', 'utf8');
  const start = `<!-- ${key} -->`;
  const end = `<!-- /${key} -->`;
  const block = `${start}\n${lines}\n${end}`;
  const next = md.includes(start) ? md.replace(new RegExp(`${start}[\\s\\S]*?${end}`), block) : `${md.trimEnd()}\n\n## ${heading}\n\n${block}\n`;
  writeFileSync('bench/RESULTS.md', next);
}

/** A titled table of [name, value, unit, note] rows (values rounded), as the standalone benches print it. */
export function rowsTable(title, rows) {
  return [
    title,
    '',
    '| measurement | value | unit | note |',
    '|---|---:|---|---|',
    ...rows.map(([name, value, unit, note]) => `| ${name} | ${value.toFixed(0)} | ${unit} | ${note} |`),
  ].join('\n');
}

/**
 * A standalone bench's rows as its block: titled "NAME, date, CPU, cores, DETAIL:", printed and
 * written to bench/RESULTS.md under `heading`.
 */
export function publishRows(key, heading, name, detail, rows) {
  const machine = `${new Date().toISOString().slice(0, 10)}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores`;
  const lines = rowsTable(`${name}, ${machine}, ${detail}:`, rows);
  console.log(lines);
  writeResultsBlock(key, heading, lines);
}
