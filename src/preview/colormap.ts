/** Colour maps for previews: viridis for continuous values, a categorical palette for classes. */

export type Colormap = 'viridis' | 'gray' | 'classes';

// Viridis as a polynomial fit (Matt Zucker's public-domain approximation), accurate to ~1/255.
const C0 = [0.2777273272234177, 0.005407344544966578, 0.3340998053353061];
const C1 = [0.1050930431085774, 1.404613529898575, 1.384590162594685];
const C2 = [-0.3308618287255563, 0.214847559468213, 0.09509516302823659];
const C3 = [-4.634230498983486, -5.799100973351585, -19.33244095627987];
const C4 = [6.228269936347081, 14.17993336680509, 56.69055260068105];
const C5 = [4.776384997670288, -13.74514537774601, -65.35303263337234];
const C6 = [-5.435455855934631, 4.645852612178535, 26.3124352495832];

function viridis(t: number): [number, number, number] {
  const out: number[] = [];
  for (let k = 0; k < 3; k++) {
    const v = C0[k] + t * (C1[k] + t * (C2[k] + t * (C3[k] + t * (C4[k] + t * (C5[k] + t * C6[k])))));
    out.push(Math.round(Math.min(1, Math.max(0, v)) * 255));
  }
  return out as [number, number, number];
}

const PALETTE: [number, number, number][] = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
  [188, 189, 34],
  [23, 190, 207],
];

/** RGB for a value: `t` in [0, 1] for continuous maps, the class number for 'classes'. */
export function colour(map: Colormap, t: number): [number, number, number] {
  if (map === 'classes') return PALETTE[((Math.round(t) % PALETTE.length) + PALETTE.length) % PALETTE.length];
  const c = Math.min(1, Math.max(0, t));
  if (map === 'gray') {
    const g = Math.round(c * 255);
    return [g, g, g];
  }
  return viridis(c);
}
