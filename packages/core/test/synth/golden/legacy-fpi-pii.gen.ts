// Records the FPI/PII outputs of medad before issue 16 changed their defaults (alpha U(0.05, 0.95), labels zeroed
// where the images are equal, PII clipped to the destination's range with the image border fixed), so the test can
// show the legacy options reproduce them bitwise. Run against the generators of commit 91aaade (before the change),
// with their defaults of that time, and this directory's cases:
//   git archive 91aaade packages/core/src/synth packages/core/src/random.ts packages/core/src/io/types.ts \
//     packages/core/test/synth/fixtures.ts | tar -x -C /tmp/old   (then copy this directory into /tmp/old's test/synth)
//   cd /tmp/old/packages/core && npx tsx test/synth/golden/legacy-fpi-pii.gen.ts > legacy-fpi-pii.json
import { createHash } from 'node:crypto';
import { fpi } from '../../../src/synth/fpi.js';
import { pii } from '../../../src/synth/pii.js';
import { legacyCases } from './legacy-cases.js';

const digest = (a: Float32Array): string => createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');

const rows = legacyCases().map((c) => {
  const gen = c.method === 'fpi' ? fpi : pii;
  const res = gen(c.dest, c.foreign, c.seed, c.options);
  return { name: c.name, boxes: res.boxes, image: digest(res.image.data), label: digest(res.label) };
});
process.stdout.write(`${JSON.stringify(rows, null, 1)}\n`);
