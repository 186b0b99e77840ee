// W1 in Deno: deno run --allow-read --allow-env --allow-sys bench/deno.mjs WORKERS
import * as lib from '../dist/index.js';
import { w1 } from './w1.mjs';
const r = await w1(lib, 'bench/.cache/w1.tif', { workers: Number(Deno.args[0] ?? 2) });
console.log(JSON.stringify({ ...r, rss: Deno.memoryUsage().rss }));
