// Seeded randomness for the anomaly generators. Every generator takes either a seed or a SynthRng, so a training
// loop can thread one stream through many calls while a one-off call stays reproducible from its seed alone.
import { mulberry32 } from '../random.js';

/** mulberry32 with a few samplers the published generators need (uniform, normal, gamma). */
export class SynthRng {
  private readonly draw: () => number;
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`synth seed must be a finite number, got ${seed}`);
    this.draw = mulberry32(seed);
  }
  /** Uniform in [0, 1). */
  next(): number {
    return this.draw();
  }
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  /** Integer in [lo, hi) (numpy's randint convention, as the reference code uses); lo when the range is empty. */
  int(lo: number, hi: number): number {
    return hi <= lo ? lo : lo + Math.floor(this.next() * (hi - lo));
  }
  /** Standard normal (Box-Muller, one value per call). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  /** Gamma(shape, scale) by Marsaglia-Tsang; shape < 1 uses the u^(1/shape) boost. */
  gamma(shape: number, scale: number): number {
    if (!(shape > 0) || !(scale > 0)) throw new Error(`gamma needs shape, scale > 0, got ${shape}, ${scale}`);
    if (shape < 1) return this.gamma(shape + 1, scale) * Math.pow(1 - this.next(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = 1 - this.next();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v * scale;
    }
  }
}

/** A seed or a generator to draw from. */
export type RngLike = number | SynthRng;

export function toRng(r: RngLike): SynthRng {
  return typeof r === 'number' ? new SynthRng(r) : r;
}
