/** NumPy .npy chips: the sample as the flow gives it (numpy.load reads it; no georeferencing). */
import type { OutputFormat } from './format.js';
import { encodeNpy } from './npy.js';

export const npyFormat: OutputFormat = {
  extension: 'npy',
  encode: async (s) => encodeNpy(s.data, s.shape),
};
