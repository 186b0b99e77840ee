/** The one box type: [minx, miny, maxx, maxy] in map units of some CRS. Imports nothing. */
export type Bounds = readonly [number, number, number, number];
