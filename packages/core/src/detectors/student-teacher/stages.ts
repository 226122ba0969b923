// The two trained stages of student-teacher, as Trainables for the shared training loop (each optimises one store).
import * as tf from '@tensorflow/tfjs';
import type { InputSize } from '../api.js';
import type { ParamStore } from '../layers.js';
import type { StepContext, Trainable } from '../train-loop.js';
import type { PatchNet } from './patch-net.js';
import type { Scale } from './params.js';
import { teacherLoss, type Describe } from './teacher.js';

/** Self-supervised teachers of every scale that has no pretrained teacher: sum of their losses. */
export class TeacherStage implements Trainable {
  readonly name = 'student-teacher/teacher';
  constructor(
    readonly config: Readonly<Record<string, unknown>>,
    readonly inputSize: InputSize,
    readonly params: ParamStore,
    private readonly teachers: PatchNet[],
    private readonly decorrelation: number,
  ) {}
  trainLoss(x: tf.Tensor4D, _ctx: StepContext): tf.Scalar {
    return tf.addN(this.teachers.map((t) => teacherLoss(t, x, this.decorrelation))) as tf.Scalar;
  }
}

export interface ScaleNets {
  scale: Scale;
  /** Standardised teacher descriptors (x -> (T(x) - mean) / std). */
  target: Describe;
  students: PatchNet[];
}

/**
 * Every student regresses its scale's standardised teacher descriptors: mean over students of the MSE, summed over
 * scales; Adam with L2 weight decay `weightDecay` on the students' weights (the paper's 1e-5).
 */
export class StudentStage implements Trainable {
  readonly name = 'student-teacher/students';
  constructor(
    readonly config: Readonly<Record<string, unknown>>,
    readonly inputSize: InputSize,
    readonly params: ParamStore,
    private readonly scales: ScaleNets[],
    private readonly weightDecay = 0,
  ) {}
  get adam(): { weightDecay: number } {
    return { weightDecay: this.weightDecay };
  }
  trainLoss(x: tf.Tensor4D, _ctx: StepContext): tf.Scalar {
    const per = this.scales.map(({ target, students }) => {
      const t = target(x);
      return tf.mean(tf.stack(students.map((s) => tf.mean(tf.squaredDifference(s.describe(x), t)))));
    });
    return tf.addN(per) as tf.Scalar;
  }
}
