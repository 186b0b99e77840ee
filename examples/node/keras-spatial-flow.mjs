// The Keras Spatial notebook flow in Node: `npm run demo` (or node examples/node/keras-spatial-flow.mjs).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { notebookFlow } from '../shared/notebook-flow.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.cwd(), 'demo-output');
await mkdir(out, { recursive: true });
console.log('geotensor demo: the Keras Spatial DEM notebook flow on examples/data (Node)');
await notebookFlow({ data: resolve(here, '../data'), out, writeFile: (p, b) => writeFile(p, b), epochs: Number(process.env.DEMO_EPOCHS ?? 4) });
