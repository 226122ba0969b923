// Registers `ddad` (imported once by builtins.ts).
import { registerDetector } from '../registry.js';
import { DdadDetector } from './detector.js';
import { ddadParamsSchema, legacyRefinement } from './params.js';

registerDetector('ddad', (p, size) => new DdadDetector(p, size), {
  description: 'DDAD: NDM/UDM reconstruction ensembles on normal and unlabelled images + self-supervised refinement; score rec | intra | inter | r-intra | r-dual (needs the unlabelled pool)',
  paramsSchema: ddadParamsSchema,
  uses: { unlabelled: true, validation: true },
  upgradeSaved: legacyRefinement,
});
