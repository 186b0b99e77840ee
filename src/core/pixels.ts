/** Pixel vocabulary: data types, their typed arrays, resampling methods. Imports nothing. */

/** Pixel data types geotensor reads and returns (numpy / rasterio names). */
export type DataType = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32' | 'float64';

export type PixelArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

export const DATA_TYPES: readonly DataType[] = ['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'float64'];

/** Every resampling method of gdalwarp (`-r`). */
export const RESAMPLING_METHODS = ['nearest', 'bilinear', 'cubic', 'cubicspline', 'lanczos', 'average', 'rms', 'mode', 'max', 'min', 'med', 'q1', 'q3', 'sum'] as const;
export type Resampling = (typeof RESAMPLING_METHODS)[number];

export function typedArrayFor(dtype: DataType, length: number): PixelArray {
  switch (dtype) {
    case 'uint8':
      return new Uint8Array(length);
    case 'int8':
      return new Int8Array(length);
    case 'uint16':
      return new Uint16Array(length);
    case 'int16':
      return new Int16Array(length);
    case 'uint32':
      return new Uint32Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'float32':
      return new Float32Array(length);
    case 'float64':
      return new Float64Array(length);
  }
}

export function bytesPerPixel(dtype: DataType): number {
  return typedArrayFor(dtype, 0).BYTES_PER_ELEMENT;
}

export function isFloat(dtype: DataType | string): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** The data type of a typed array. */
export function dtypeOf(a: PixelArray): DataType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Uint8Array) return 'uint8';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Uint16Array) return 'uint16';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Uint32Array) return 'uint32';
  return 'int32';
}
