// Registers `cutpaste` (imported once by builtins.ts).
import { registerDetector } from '../registry.js';
import { CutpasteDetector } from './detector.js';
import { cutpasteLrOf, cutpasteParamsSchema, legacyCutpasteOptimizer, type CutpasteParams } from './params.js';

registerDetector('cutpaste', (p, size) => new CutpasteDetector(p, size), {
  description: 'CutPaste: 3-way (normal / cutpaste / scar) CNN + Ledoit-Wolf Gaussian on its embeddings; score = Mahalanobis distance; map = constant (the score)',
  paramsSchema: cutpasteParamsSchema,
  upgradeSaved: legacyCutpasteOptimizer,
  ownLr: (p) => {
    const c = p as CutpasteParams;
    if (c.optimizer !== 'sgd') return undefined;
    return { lr: cutpasteLrOf(c, Number.NaN), from: c.lr === undefined ? "its SGD's default (the paper's), detector.params.lr" : 'detector.params.lr', hint: '`optimizer: adam` to train at training.lr' };
  },
});
