// The Keras Spatial notebook flow in Deno:
//   deno run --allow-read --allow-write --allow-env --allow-sys examples/deno/keras-spatial-flow.ts
// In this repository `geotensor` resolves to the built package (package.json "exports"); in your own
// project import it as `npm:geotensor` (and `npm:@tensorflow/tfjs`).
import { notebookFlow } from '../shared/notebook-flow.mjs';

const here = new URL('.', import.meta.url).pathname;
const out = `${Deno.cwd()}/demo-output/deno`;
await Deno.mkdir(out, { recursive: true });
console.log('geotensor demo: the Keras Spatial DEM notebook flow on examples/data (Deno)');
await notebookFlow({ data: `${here}../data`, out, writeFile: (p: string, b: Uint8Array) => Deno.writeFile(p, b), epochs: Number(Deno.env.get('DEMO_EPOCHS') ?? 4) });
