/** The output formats by name (see format.ts: a new format is one file plus one line here). */
import { ArgumentError } from '../core/errors.js';
import type { OutputFormat } from './format.js';
import { cogFormat, geotiffFormat } from './format-gdal.js';
import { npyFormat } from './format-npy.js';

export const FORMATS = { npy: npyFormat, geotiff: geotiffFormat, cog: cogFormat } as const;
export type FormatName = keyof typeof FORMATS;

export function outputFormat(name: unknown, option = 'format'): OutputFormat {
  if (typeof name !== 'string' || !Object.hasOwn(FORMATS, name))
    throw new ArgumentError(
      option,
      Object.keys(FORMATS)
        .map((k) => `'${k}'`)
        .join(', '),
      name,
    );
  return FORMATS[name as FormatName];
}
