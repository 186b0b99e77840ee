/**
 * Whether the first bytes of a file are a FlatGeobuf with a packed R-tree (its header's
 * index_node_size is not 0), which GDAL can query box by box with range reads instead of reading the
 * whole file. Parses only the magic bytes and one field of the header's FlatBuffers table.
 */
const MAGIC = [0x66, 0x67, 0x62, 0x03]; // "fgb" and major version 3
/** Field index of index_node_size in FlatGeobuf's Header table (its default is 16). */
const INDEX_NODE_SIZE = 9;

export function flatGeobufIndexed(head: Uint8Array): boolean {
  if (head.length < 16 || !MAGIC.every((b, i) => head[i] === b)) return false;
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const base = 12; // after the 8 magic bytes and the header's length
  const table = base + v.getUint32(base, true);
  if (table + 4 > head.length) return false;
  const vtable = table - v.getInt32(table, true);
  if (vtable < base || vtable + 4 > head.length) return false;
  const vsize = v.getUint16(vtable, true);
  const at = 4 + 2 * INDEX_NODE_SIZE;
  if (at + 2 > vsize) return true; // the field is absent: its default, 16
  const off = v.getUint16(vtable + at, true);
  if (off === 0) return true;
  if (table + off + 2 > head.length) return false;
  return v.getUint16(table + off, true) > 0;
}
