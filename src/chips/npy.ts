/** NumPy .npy files (format 1.0): what Keras Spatial's flow_to_numpy writes, readable by numpy.load. */
import { ArgumentError, SourceError } from '../core/errors.js';
import { type DataType, type PixelArray, pixelTypeOf, typedArrayFor } from '../core/pixels.js';

const DESCR: Record<DataType, string> = { uint8: '|u1', int8: '|i1', uint16: '<u2', int16: '<i2', uint32: '<u4', int32: '<i4', float32: '<f4', float64: '<f8' };
const FROM_DESCR = Object.fromEntries(Object.entries(DESCR).map(([k, v]) => [v, k as DataType]));

export function encodeNpy(data: PixelArray, shape: number[]): Uint8Array {
  const dtype = pixelTypeOf(data);
  if (!dtype) throw new ArgumentError('data', 'a typed array of a numeric type', data);
  const dict = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const unpadded = 10 + dict.length + 1;
  const header = `${dict}${' '.repeat((64 - (unpadded % 64)) % 64)}\n`;
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

export function decodeNpy(bytes: Uint8Array, name = 'npy'): { data: PixelArray; shape: number[]; dtype: DataType } {
  const bad = (what: string) =>
    new SourceError('SOURCE_UNREADABLE', `${name}: is not a .npy file geotensor reads (${what}; ${bytes.length} bytes)`, { input: name, expected: `a .npy file (${what})` });
  if (bytes.length < 10 || bytes[0] !== 0x93 || String.fromCharCode(...bytes.subarray(1, 6)) !== 'NUMPY') throw bad('magic string');
  const major = bytes[6];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hlen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(start, start + hlen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  const dtype = descr ? FROM_DESCR[descr] : undefined;
  if (!dtype) throw bad(`data type ${descr} not supported`);
  if (fortran) throw bad('Fortran order not supported');
  if (shapeText === undefined) throw bad('no shape');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = typedArrayFor(dtype, n);
  const body = bytes.subarray(start + hlen);
  if (body.byteLength < data.byteLength) throw bad(`truncated: ${body.byteLength} of ${data.byteLength} data bytes`);
  new Uint8Array(data.buffer).set(body.subarray(0, data.byteLength));
  return { data, shape, dtype };
}
