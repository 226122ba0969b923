// Colour maps as 256-entry RGB lookup tables, matching matplotlib's within 2/255 (test/golden/make-colormaps.py
// made the stops; the unit test compares all 256 levels against matplotlib's own LUT).

export type ColormapName = 'gray' | 'jet' | 'viridis' | 'inferno';
export const COLORMAPS: readonly ColormapName[] = ['jet', 'viridis', 'inferno', 'gray'];

type Rgb = [number, number, number];
// viridis and inferno: 65 evenly spaced samples (matplotlib 3.6), interpolated linearly.
const STOPS: Record<'viridis' | 'inferno', Rgb[]> = {
  viridis: [[68,1,84],[70,6,90],[71,13,96],[71,19,101],[72,24,106],[72,29,111],[72,35,116],[72,40,120],[71,45,123],[70,50,126],[69,54,129],[68,59,132],[66,64,134],[64,69,135],[63,73,137],[61,78,138],[59,82,139],[57,86,140],[55,90,141],[53,94,141],[51,99,141],[49,102,142],[47,106,142],[46,110,142],[44,114,142],[43,118,142],[41,122,142],[40,125,142],[38,129,142],[37,133,142],[35,137,142],[34,140,141],[33,144,140],[32,148,140],[31,152,139],[30,155,138],[31,159,136],[32,163,135],[33,166,133],[36,170,131],[40,174,128],[44,177,126],[49,181,123],[55,184,119],[62,188,116],[69,191,112],[76,194,108],[84,198,103],[93,201,99],[101,204,93],[110,206,88],[120,209,82],[130,211,76],[140,214,70],[150,216,63],[160,218,57],[171,220,50],[181,222,43],[192,223,36],[203,225,31],[213,226,26],[224,227,24],[234,229,26],[244,230,30],[253,231,37]],
  inferno: [[0,0,4],[2,1,10],[4,3,18],[7,5,27],[11,7,36],[16,9,45],[21,11,55],[26,12,64],[33,12,74],[39,11,83],[46,10,90],[54,9,96],[60,9,101],[67,10,104],[74,12,107],[80,14,108],[87,16,109],[93,18,110],[99,20,110],[106,23,110],[112,25,110],[118,27,109],[125,30,109],[131,32,107],[137,34,106],[144,36,104],[150,39,102],[156,41,100],[163,43,97],[169,46,95],[175,49,92],[181,52,88],[187,55,85],[193,58,81],[198,62,77],[204,65,73],[209,70,68],[214,74,64],[219,79,59],[223,84,55],[227,89,50],[231,95,45],[235,101,40],[238,107,35],[241,113,30],[244,120,25],[246,127,20],[248,134,15],[249,141,10],[250,148,7],[251,156,6],[252,163,9],[252,171,15],[252,178,23],[251,186,31],[250,194,40],[249,202,50],[247,210,61],[245,217,73],[243,225,86],[242,232,101],[241,239,117],[243,245,134],[246,250,150],[252,255,164]],
};
// jet is piecewise linear: matplotlib's segment data, (position, value 0..1) per channel.
const JET: [number, number][][] = [
  [[0, 0], [0.35, 0], [0.66, 1], [0.89, 1], [1, 0.5]],
  [[0, 0], [0.125, 0], [0.375, 1], [0.64, 1], [0.91, 0], [1, 0]],
  [[0, 0.5], [0.11, 1], [0.34, 1], [0.65, 0], [1, 0]],
];

const cache = new Map<ColormapName, Uint8Array>();

/** 256 x RGB lookup table (length 768) for the map; index = round(t * 255). */
export function colormapLut(name: ColormapName): Uint8Array {
  const hit = cache.get(name);
  if (hit) return hit;
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const rgb = name === 'gray' ? ([i, i, i] as Rgb) : name === 'jet' ? jet(i / 255) : interpolate(STOPS[name], i / 255);
    lut.set(rgb, i * 3);
  }
  cache.set(name, lut);
  return lut;
}

function jet(t: number): Rgb {
  return JET.map((seg) => {
    const k = Math.max(1, seg.findIndex(([x]) => x >= t));
    const [x0, y0] = seg[k - 1];
    const [x1, y1] = seg[k];
    return Math.round(255 * (y0 + ((y1 - y0) * (t - x0)) / (x1 - x0)));
  }) as Rgb;
}

function interpolate(stops: Rgb[], t: number): Rgb {
  const x = t * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i];
  const b = stops[i + 1];
  return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * f)) as Rgb;
}

/** Colour of a value in [0, 1] (clamped; NaN maps to 0). */
export function colorAt(name: ColormapName, t: number): Rgb {
  const lut = colormapLut(name);
  const i = lutIndex(t);
  return [lut[i * 3], lut[i * 3 + 1], lut[i * 3 + 2]];
}

export function lutIndex(t: number): number {
  if (!(t > 0)) return 0;
  if (t >= 1) return 255;
  return Math.round(t * 255);
}

export function isColormap(name: unknown): name is ColormapName {
  return typeof name === 'string' && (COLORMAPS as readonly string[]).includes(name);
}
