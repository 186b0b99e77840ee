/**
 * PNG bytes that show themselves: a Uint8Array (write it to a file, put it in a Blob) that Deno's
 * Jupyter kernel displays as a picture when a cell evaluates to it.
 */
import { encode } from 'fast-png';

export class PngImage extends Uint8Array {
  /** Deno's Jupyter display protocol. */
  [Symbol.for('Jupyter.display')](): Record<string, string> {
    return { 'image/png': toBase64(this) };
  }

  /** A `data:` URL (for an <img> in a page). */
  toDataUrl(): string {
    return `data:image/png;base64,${toBase64(this)}`;
  }

  static encode(width: number, height: number, rgba: Uint8Array): PngImage {
    const bytes = encode({ width, height, data: rgba, channels: 4, depth: 8 });
    const img = new PngImage(bytes.length);
    img.set(bytes);
    return img;
  }
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
