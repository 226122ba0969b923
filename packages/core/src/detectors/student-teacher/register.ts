// Registers `student-teacher` (imported once by builtins.ts).
import { registerDetector } from '../registry.js';
import { StudentTeacherDetector } from './detector.js';
import { legacyStudentWeightDecay, studentTeacherParamsSchema } from './params.js';

registerDetector('student-teacher', (p, size) => new StudentTeacherDetector(p, size), {
  description: 'Multi-scale student-teacher ensemble (p = 17/33/65): map = normalised regression error + student variance',
  paramsSchema: studentTeacherParamsSchema,
  upgradeSaved: legacyStudentWeightDecay,
});
