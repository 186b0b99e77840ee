/**
 * Pictures people read, as PNG bytes (written to a file in Node and Deno, shown in a page or a
 * notebook elsewhere): sample mosaics (samples.ts), the sample grid over the raster (grid.ts), and
 * training curves (curve.ts), with titles, labelled colour bars, legends and axes (canvas.ts).
 */
export { PngImage } from './png.js';
export type { Colormap } from './colormap.js';
export { previewSamples, type PreviewSamplesOptions } from './samples.js';
export { previewGrid, type PreviewGridOptions } from './grid.js';
export { previewCurve, niceTicks, type PreviewCurveOptions } from './curve.js';
