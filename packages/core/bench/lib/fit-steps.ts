// The training loop the kernel benches time: the AE's own fit on 64x64 noise, batch 64, one epoch, the loss read
// back every step, with each step's wall and CPU milliseconds recorded from the progress callback.
import { arrayTrainData, type Detector } from '../../src/detectors/api.js';
import { cpuMs, noise } from './stats.js';

export interface FitSteps {
  /** Per step, warm-up steps included. */
  wall: number[];
  cpu: number[];
  losses: number[];
}

/** Runs warmup + steps steps; `onStep` sees each 1-based step as it ends (e.g. to reset counters after warm-up). */
export async function timeFitSteps(det: Detector, steps: number, warmup: number, opts: { noiseSeed?: number; onStep?: (step: number) => void } = {}): Promise<FitSteps> {
  const out: FitSteps = { wall: [], cpu: [], losses: [] };
  const data = arrayTrainData(noise((steps + warmup) * 64 * 4096, opts.noiseSeed), { height: 64, width: 64 });
  let t = performance.now();
  let c = cpuMs();
  await det.fit(data, {
    epochs: 1,
    batchSize: 64,
    lr: 1e-3,
    seed: 0,
    lossEvery: 1,
    onProgress: (p) => {
      out.wall.push(performance.now() - t);
      out.cpu.push(cpuMs() - c);
      out.losses.push(p.loss);
      opts.onStep?.(p.step);
      t = performance.now();
      c = cpuMs();
    },
  });
  return out;
}
