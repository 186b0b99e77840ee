// W1 remote in Deno (bench/remote.mjs): deno run --allow-read --allow-env --allow-sys --allow-net bench/deno-remote.mjs URL WORKERS
import * as lib from '../dist/index.js';
import { w1remote } from './w1.mjs';
const r = await w1remote(lib, Deno.args[0], { workers: Number(Deno.args[1] ?? 2) }, {}, '../shared/data/elev.tif');
console.log(JSON.stringify(r));
