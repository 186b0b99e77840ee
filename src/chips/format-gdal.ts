/** GeoTIFF and COG files written by GDAL in the engine, georeferenced on the sample's box. */
import { sampleDims, toBandSequential } from '../core/layout.js';
import { dtypeOf } from '../core/pixels.js';
import { encodeRaster } from '../engine/encode.js';
import type { OutputFormat } from './format.js';

function gdalFormat(driver: 'GTiff' | 'COG', extension: string, defaultOptions: string[]): OutputFormat {
  return {
    extension,
    encode(s, options) {
      const d = sampleDims(s.shape, s.layout);
      const data = toBandSequential({ data: s.data, shape: [1, ...s.shape], layout: s.layout }, 0);
      const request = {
        data,
        width: d.w,
        height: d.h,
        bands: d.c,
        dtype: dtypeOf(s.data),
        bounds: s.bounds,
        rotation: s.rotation,
        crs: s.crs,
        nodata: s.nodata,
        format: driver,
        creationOptions: options.creationOptions ?? defaultOptions,
      };
      return encodeRaster(request, options.engine);
    },
  };
}

export const geotiffFormat = gdalFormat('GTiff', 'tif', ['COMPRESS=DEFLATE']);
export const cogFormat = gdalFormat('COG', 'tif', ['COMPRESS=DEFLATE']);
