/** The one box type: [minx, miny, maxx, maxy] in map units of some CRS. Imports nothing. */
export type Bounds = readonly [number, number, number, number];

/**
 * The geotransform of a width×height pixel grid over `bounds` turned `degrees` counter-clockwise
 * about the box's centre (0: north up, [minx, px, 0, maxy, 0, -py]).
 */
export function boxGeoTransform(bounds: Bounds, width: number, height: number, degrees = 0): [number, number, number, number, number, number] {
  const [minx, miny, maxx, maxy] = bounds;
  const px = (maxx - minx) / width;
  const py = (maxy - miny) / height;
  if (!degrees) return [minx, px, 0, maxy, 0, -py];
  const t = (degrees * Math.PI) / 180;
  const cos = Math.cos(t);
  const sin = Math.sin(t);
  const cx = (minx + maxx) / 2;
  const cy = (miny + maxy) / 2;
  const hw = (maxx - minx) / 2;
  const hh = (maxy - miny) / 2;
  return [cx - hw * cos - hh * sin, px * cos, py * sin, cy - hw * sin + hh * cos, px * sin, -py * cos];
}

/** The envelope of `bounds` turned `degrees` counter-clockwise about its centre. */
export function turnedEnvelope(bounds: Bounds, degrees = 0): Bounds {
  if (!degrees) return bounds;
  const [minx, miny, maxx, maxy] = bounds;
  const t = (degrees * Math.PI) / 180;
  const c = Math.abs(Math.cos(t));
  const s = Math.abs(Math.sin(t));
  const cx = (minx + maxx) / 2;
  const cy = (miny + maxy) / 2;
  const hw = (maxx - minx) / 2;
  const hh = (maxy - miny) / 2;
  const ex = hw * c + hh * s;
  const ey = hw * s + hh * c;
  return [cx - ex, cy - ey, cx + ex, cy + ey];
}

/**
 * The bounds [minx, miny, maxx, maxy] of a width×height grid with the affine `transform` (rasterio's
 * order: x = a*col + b*row + c, y = d*col + e*row + f), and its pixel size [x, y] (both positive).
 */
export function gridExtent(transform: readonly number[], width: number, height: number): { bounds: [number, number, number, number]; res: [number, number] } {
  const [a, b, c, d, e, f] = transform;
  const xs = [0, width].flatMap((col) => [0, height].map((row) => c + col * a + row * b));
  const ys = [0, width].flatMap((col) => [0, height].map((row) => f + col * d + row * e));
  return { bounds: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], res: [Math.hypot(a, d), Math.hypot(b, e)] };
}
