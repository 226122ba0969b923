// Registers `cutpaste` (imported once by builtins.ts).
import { registerDetector } from '../registry.js';
import { CutpasteDetector } from './detector.js';
import { cutpasteParamsSchema, legacyCutpasteOptimizer } from './params.js';

registerDetector('cutpaste', (p, size) => new CutpasteDetector(p, size), {
  description: 'CutPaste: 3-way (normal / cutpaste / scar) CNN + Ledoit-Wolf Gaussian on its embeddings; score = Mahalanobis distance; map = constant (the score)',
  paramsSchema: cutpasteParamsSchema,
  upgradeSaved: legacyCutpasteOptimizer,
});
