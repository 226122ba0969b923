// Deterministic synthetic brain-like phantoms for the demo and for tests. Everything derives from a seeded PRNG, so
// the same seed gives the same pixels (and, through sharp's PNG encoder, the same bytes). A lesion is a blob drawn
// only inside its ellipse, so the mask (the ellipse) is exactly the set of pixels the lesion changed.

import { mulberry32 } from '../random.js';

/** The demo's generator: deterministic across platforms. */
export const createRng = mulberry32;

const between = (rng: () => number, lo: number, hi: number): number => lo + (hi - lo) * rng();

export interface Lesion {
  /** Centre and semi-axes in normalised coordinates ([-1, 1] across the image). */
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  angle: number;
  /** Intensity change at the centre: positive = bright (e.g. bleed), negative = dark (e.g. cyst). */
  delta: number;
}

export interface PhantomParams {
  cx: number;
  cy: number;
  /** Head semi-axes and rotation. */
  a: number;
  b: number;
  angle: number;
  skull: number;
  tissue: number;
  /** Low-frequency texture: waves of (fx, fy, phase, amplitude). */
  waves: [number, number, number, number][];
  ventricles: { dx: number; dy: number; rx: number; ry: number; tilt: number }[];
  noiseSeed: number;
  noiseSigma: number;
  lesions: Lesion[];
}

export interface Phantom {
  width: number;
  height: number;
  /** Intensities in [0, 1], row-major. */
  image: Float32Array;
  /** 1 inside a lesion, else 0. All zero for a normal phantom. */
  mask: Uint8Array;
}

/** Elliptical radius of (x, y) around (cx, cy) with semi-axes (rx, ry) rotated by angle: < 1 inside. */
function ellipticR(x: number, y: number, cx: number, cy: number, rx: number, ry: number, angle: number): number {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const u = (x - cx) * c + (y - cy) * s;
  const v = -(x - cx) * s + (y - cy) * c;
  return Math.sqrt((u / rx) ** 2 + (v / ry) ** 2);
}

/** 1 well inside (r < 1 - w), 0 outside (r > 1), smooth between: soft anatomical edges. */
function inside(r: number, w: number): number {
  const t = Math.min(1, Math.max(0, (1 - r) / w));
  return t * t * (3 - 2 * t);
}

/** Draws the random anatomy of one phantom; `lesionCount` 0 gives a normal one. */
export function samplePhantomParams(rng: () => number, lesionCount: number): PhantomParams {
  const p: PhantomParams = {
    cx: between(rng, -0.05, 0.05),
    cy: between(rng, -0.05, 0.05),
    a: between(rng, 0.68, 0.8),
    b: between(rng, 0.82, 0.92),
    angle: between(rng, -0.15, 0.15),
    skull: between(rng, 0.85, 0.98),
    tissue: between(rng, 0.42, 0.52),
    waves: Array.from({ length: 4 }, () => [between(rng, -3, 3), between(rng, -3, 3), between(rng, 0, 2 * Math.PI), between(rng, 0.02, 0.045)]),
    ventricles: [-1, 1].map((side) => ({
      dx: side * between(rng, 0.08, 0.14),
      dy: between(rng, -0.1, 0.02),
      rx: between(rng, 0.05, 0.09),
      ry: between(rng, 0.16, 0.24),
      tilt: side * between(rng, 0.15, 0.4),
    })),
    noiseSeed: Math.floor(rng() * 2 ** 31),
    noiseSigma: 0.012,
    lesions: [],
  };
  for (let i = 0; i < lesionCount; i++) p.lesions.push(sampleLesion(rng, p));
  return p;
}

/** A lesion inside the brain and clear of the ventricles (rejection sampling, bounded). */
function sampleLesion(rng: () => number, p: PhantomParams): Lesion {
  let best: Lesion | undefined;
  for (let tries = 0; tries < 50; tries++) {
    const r = between(rng, 0.1, 0.45);
    const t = between(rng, 0, 2 * Math.PI);
    const lesion: Lesion = {
      cx: p.cx + r * p.a * Math.cos(t),
      cy: p.cy + r * p.b * Math.sin(t),
      rx: between(rng, 0.11, 0.2),
      ry: between(rng, 0.11, 0.2),
      angle: between(rng, 0, Math.PI),
      delta: (rng() < 0.5 ? -1 : 1) * between(rng, 0.35, 0.5),
    };
    best = lesion;
    const clear = p.ventricles.every((v) => Math.hypot(lesion.cx - (p.cx + v.dx), lesion.cy - (p.cy + v.dy)) > v.ry + Math.max(lesion.rx, lesion.ry));
    if (clear) return lesion;
  }
  return best as Lesion;
}

/** Box-Muller normal deviates from a uniform rng. */
function gaussian(rng: () => number): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Renders params at size x size. The mask is where a lesion changed the image: its ellipse, sampled at pixel centres. */
export function renderPhantom(p: PhantomParams, size: number): Phantom {
  const image = new Float32Array(size * size);
  const mask = new Uint8Array(size * size);
  const noise = createRng(p.noiseSeed);
  const edge = 2.5 / size; // soft edges about one pixel wide whatever the size
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const x = ((i + 0.5) / size) * 2 - 1;
      const y = ((j + 0.5) / size) * 2 - 1;
      const r = ellipticR(x, y, p.cx, p.cy, p.a, p.b, p.angle);
      const head = inside(r, edge / p.a);
      const brain = inside(r / 0.88, edge / p.a);
      let texture = 0;
      for (const [fx, fy, ph, amp] of p.waves) texture += amp * Math.sin(Math.PI * (fx * x + fy * y) + ph);
      // Grey matter (outer rim) is a little brighter than white matter.
      const rim = 0.07 * (1 - inside(r / 0.72, 0.15));
      let tissue = p.tissue + texture + rim;
      for (const v of p.ventricles) {
        const rv = ellipticR(x, y, p.cx + v.dx, p.cy + v.dy, v.rx, v.ry, v.tilt);
        tissue += (0.12 - tissue) * inside(rv, edge / v.rx);
      }
      let value = 0.03 + (p.skull - 0.03) * (head - brain) + tissue * brain;
      let lesioned = false;
      for (const l of p.lesions) {
        const rl = ellipticR(x, y, l.cx, l.cy, l.rx, l.ry, l.angle);
        if (rl < 1) {
          // Strongest at the centre, still clearly visible at the rim, so the mask edge is the lesion edge.
          value += l.delta * (1 - 0.5 * rl * rl);
          lesioned = true;
        }
      }
      value += p.noiseSigma * gaussian(noise);
      image[j * size + i] = Math.min(1, Math.max(0, value));
      mask[j * size + i] = lesioned ? 1 : 0;
    }
  }
  return { width: size, height: size, image, mask };
}
