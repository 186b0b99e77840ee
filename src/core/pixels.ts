/** Pixel vocabulary: data types, their typed arrays, resampling methods. Imports nothing. */

/** Pixel data types geotensor reads and returns (numpy / rasterio names). */
export type DataType = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32' | 'float64';

export type PixelArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

export const DATA_TYPES: readonly DataType[] = ['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'float64'];

/** Every resampling method of gdalwarp (`-r`). */
export const RESAMPLING_METHODS = ['nearest', 'bilinear', 'cubic', 'cubicspline', 'lanczos', 'average', 'rms', 'mode', 'max', 'min', 'med', 'q1', 'q3', 'sum'] as const;
export type Resampling = (typeof RESAMPLING_METHODS)[number];

type PixelArrayConstructor = { new (length: number): PixelArray; new (buffer: ArrayBufferLike, byteOffset: number, length: number): PixelArray };

/** The typed-array class of each data type. */
const ARRAY_CLASSES: Record<DataType, PixelArrayConstructor> = {
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint32: Uint32Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
};

/** The typed-array class of `dtype` (e.g. for a view into WebAssembly memory). */
export function arrayClassFor(dtype: DataType): PixelArrayConstructor {
  return ARRAY_CLASSES[dtype];
}

export function typedArrayFor(dtype: DataType, length: number): PixelArray {
  return new ARRAY_CLASSES[dtype](length);
}

export function bytesPerPixel(dtype: DataType): number {
  return typedArrayFor(dtype, 0).BYTES_PER_ELEMENT;
}

export function isFloat(dtype: DataType | string): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** The data type of a value that is one of the pixel typed arrays, else null (user input to check). */
export function pixelTypeOf(a: unknown): DataType | null {
  for (const d of DATA_TYPES) if (a instanceof ARRAY_CLASSES[d]) return d;
  return null;
}

/** The data type of a typed array. */
export function dtypeOf(a: PixelArray): DataType {
  return pixelTypeOf(a) as DataType;
}

/** The smallest and largest value of each integer type. */
const INTEGER_RANGES: Partial<Record<DataType, [number, number]>> = {
  uint8: [0, 255],
  int8: [-128, 127],
  uint16: [0, 65535],
  int16: [-32768, 32767],
  uint32: [0, 4294967295],
  int32: [-2147483648, 2147483647],
};

/** Whether a pixel of `dtype` can hold `v` (any number for floating point and types geotensor does not name). */
export function canHold(dtype: DataType | string, v: number): boolean {
  const range = INTEGER_RANGES[dtype as DataType];
  return !range || (Number.isInteger(v) && v >= range[0] && v <= range[1]);
}
