/** A 3×5 pixel font for numbers on pictures (colour bars, axes): digits, '.', '-', 'e', '+'. */
const GLYPHS: Record<string, string> = {
  '0': '111101101101111',
  '1': '010110010010111',
  '2': '111001111100111',
  '3': '111001111001111',
  '4': '101101111001001',
  '5': '111100111001111',
  '6': '111100111101111',
  '7': '111001001001001',
  '8': '111101111101111',
  '9': '111101111001111',
  '.': '000000000000010',
  '-': '000000111000000',
  e: '000111101110111',
  '+': '000010111010000',
  ' ': '000000000000000',
};

/** Draws `text` at (x, y) with pixels of `scale`, by calling `put(x, y)` for each lit pixel. */
export function drawText(text: string, x: number, y: number, scale: number, put: (x: number, y: number) => void): void {
  let cx = x;
  for (const ch of text) {
    const g = GLYPHS[ch] ?? GLYPHS[' '];
    for (let r = 0; r < 5; r++)
      for (let c = 0; c < 3; c++) if (g[r * 3 + c] === '1') for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) put(cx + c * scale + dx, y + r * scale + dy);
    cx += 4 * scale;
  }
}

export function textWidth(text: string, scale: number): number {
  return text.length * 4 * scale - scale;
}

/** A short label for a number (at most ~6 characters). */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return '';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-2)) return v.toExponential(1).replace('e+', 'e');
  return String(Number(v.toPrecision(3)));
}
