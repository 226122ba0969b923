// RMSProp exactly as TensorFlow 1's tf.train.RMSPropOptimizer, which f-AnoGAN's authors train their encoder with
// (tSchlegl/f-AnoGAN z_encoding_izif.py:301). tfjs's tf.train.rmsprop differs in two ways that matter early in
// training: it starts the mean-square slot at zeros (TF1: ones, rmsprop.py `_create_slots`, so the first steps are
// ~lr * g, not ~lr * g / |g| * sqrt(10)) and its epsilon is the backend's (1e-7 in float32; TF1: 1e-10).
// Update, in the order of TF1's CPU kernel (training_ops.cc ApplyRMSProp):
//   ms  += (g^2 - ms) * (1 - decay)
//   mom  = momentum * mom + lr * g / sqrt(ms + epsilon)
//   var -= mom
import * as tf from '@tensorflow/tfjs';

type NamedTensor = { name: string; tensor: tf.Tensor };

export interface Tf1RmsPropSettings {
  decay?: number;
  momentum?: number;
  epsilon?: number;
}

/** TF1's defaults (rmsprop.py RMSPropOptimizer.__init__). */
export const TF1_RMSPROP_DEFAULTS = { decay: 0.9, momentum: 0, epsilon: 1e-10 } as const;

export class Tf1RmsPropOptimizer extends tf.Optimizer {
  static get className(): string {
    return 'Tf1RMSProp';
  }
  readonly decay: number;
  readonly momentum: number;
  readonly epsilon: number;
  // Slots by the position of the variable in the gradient list (the list is the same every step, as in tfjs's own
  // optimisers); checkpoints store them as [iterations, ms..., mom...].
  private ms: tf.Variable[] = [];
  private mom: tf.Variable[] = [];

  constructor(
    /** Read at every step: the training loop's lr schedule assigns it (lr-schedule.ts setOptimizerLr). */
    public learningRate: number,
    s: Tf1RmsPropSettings = {},
  ) {
    super();
    this.decay = s.decay ?? TF1_RMSPROP_DEFAULTS.decay;
    this.momentum = s.momentum ?? TF1_RMSPROP_DEFAULTS.momentum;
    this.epsilon = s.epsilon ?? TF1_RMSPROP_DEFAULTS.epsilon;
    const bad = (what: string) => {
      throw new Error(`RMSProp: ${what}`);
    };
    if (!(learningRate > 0)) bad(`learning rate must be > 0, got ${learningRate}`);
    if (!(this.decay >= 0 && this.decay < 1)) bad(`decay must be in [0, 1), got ${this.decay}`);
    if (!(this.momentum >= 0 && this.momentum < 1)) bad(`momentum must be in [0, 1), got ${this.momentum}`);
    if (!(this.epsilon >= 0)) bad(`epsilon must be >= 0, got ${this.epsilon}`);
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const list = Array.isArray(variableGradients) ? variableGradients : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    list.forEach(({ name, tensor: g }, i) => {
      const v = tf.engine().registeredVariables[name];
      if (!v) throw new Error(`RMSProp: no variable named ${name}`);
      this.ms[i] ??= tf.tidy(() => tf.onesLike(v).variable(false));
      this.mom[i] ??= tf.tidy(() => tf.zerosLike(v).variable(false));
      if (g == null) return;
      const ms = this.ms[i];
      const mom = this.mom[i];
      tf.tidy(() => {
        ms.assign(tf.add(ms, tf.mul(tf.sub(tf.square(g), ms), 1 - this.decay)));
        const step = tf.div(tf.mul(g, this.learningRate), tf.sqrt(tf.add(ms, this.epsilon)));
        mom.assign(this.momentum === 0 ? step : tf.add(tf.mul(mom, this.momentum), step));
        v.assign(tf.sub(v, mom));
      });
    });
    this.incrementIterations();
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const slots = [...this.ms.map((t, i) => ({ name: `rms/${i}`, tensor: t as tf.Tensor })), ...this.mom.map((t, i) => ({ name: `momentum/${i}`, tensor: t as tf.Tensor }))];
    return [await this.saveIterations(), ...slots];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const ws = await this.extractIterations(weightValues);
    if (ws.length % 2 !== 0) throw new Error(`RMSProp: expected mean-square and momentum slots in pairs, got ${ws.length} tensors`);
    this.disposeSlots();
    const half = ws.length / 2;
    this.ms = ws.slice(0, half).map((w) => w.tensor.variable(false));
    this.mom = ws.slice(half).map((w) => w.tensor.variable(false));
  }

  override dispose(): void {
    this.disposeSlots();
  }

  private disposeSlots(): void {
    tf.dispose([...this.ms, ...this.mom]);
    this.ms = [];
    this.mom = [];
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, decay: this.decay, momentum: this.momentum, epsilon: this.epsilon };
  }
}
