// Hyperparameters of `student-teacher` (uninformed students, Bergmann et al., CVPR 2020), without ImageNet weights.
import { z } from 'zod';

export const SCALES = [17, 33, 65] as const;
export type Scale = (typeof SCALES)[number];

const scale = z.union([z.literal(17), z.literal(33), z.literal(65)]);

export const studentTeacherParamsSchema = z.strictObject({
  /** Receptive fields p of the patch networks; the multiscale map is the mean over them. */
  scales: z
    .array(scale)
    .min(1)
    .default([17, 33, 65])
    .refine((s) => new Set(s).size === s.length, 'scales must not repeat'),
  /** Students per scale (at least 2: the predictive variance needs an ensemble). */
  students: z.number().int().min(2).default(3),
  /** Hidden channels of every patch network. */
  channels: z.number().int().positive().default(32),
  /** Descriptor size d of teachers and students. */
  descriptor: z.number().int().positive().default(16),
  /**
   * L2 weight decay of the students' Adam, PyTorch style (wd * w added to each gradient); the paper's 1e-5 (Bergmann
   * et al., CVPR 2020, §5). 0: medad's earlier students, trained without it. The teacher stage never uses it.
   */
  studentWeightDecay: z.number().nonnegative().default(1e-5),
  /** Weight of the teacher's decorrelation (compactness) loss next to its patch-reconstruction loss. */
  decorrelation: z.number().nonnegative().default(1),
  /**
   * Pretrained teacher(s): a tfjs LayersModel folder (model.json + weights.bin) per scale, keyed by p, or one folder
   * when there is a single scale. Such a teacher maps [n, h, w, 1] to [n, h-p+1, w-p+1, descriptor] ('valid', RF p).
   * It is referenced by path, not copied into the saved detector.
   */
  teacherModel: z.union([z.string().min(1), z.record(z.enum(['17', '33', '65']), z.string().min(1))]).optional(),
  /** Gaussian sigma (pixels) of the smoothing before the image score = max of the smoothed map. */
  smoothSigma: z.number().nonnegative().default(2),
});
export type StudentTeacherParams = z.output<typeof studentTeacherParamsSchema>;

/** The pretrained teacher folder for scale p, if any. */
export function teacherPathFor(p: StudentTeacherParams, scale: Scale): string | undefined {
  const t = p.teacherModel;
  if (t === undefined) return undefined;
  if (typeof t === 'string') {
    if (p.scales.length !== 1) throw new Error(`student-teacher: teacherModel is one path but there are ${p.scales.length} scales; key it by scale ({"17": dir, ...})`);
    return t;
  }
  return t[String(scale) as '17' | '33' | '65'];
}

/**
 * Params saved before studentWeightDecay existed (issue 16): their students were trained without weight decay, and
 * their detector.json says so after loading (scoring does not depend on it).
 */
export function legacyStudentWeightDecay(saved: Record<string, unknown>): Record<string, unknown> {
  return 'studentWeightDecay' in saved ? saved : { studentWeightDecay: 0, ...saved };
}
