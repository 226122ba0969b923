// Records the FPI/PII outputs of medad before issue 16 changed their defaults (alpha U(0.05, 0.95), labels zeroed
// where the images are equal, PII clipped to the destination's range with the image border fixed), so the test can
// show the legacy options reproduce them bitwise. Run at commit 91aaade (before the change), with the generators'
// defaults of that time:
//   cd packages/core && npx tsx test/synth/golden/legacy-fpi-pii.gen.ts > test/synth/golden/legacy-fpi-pii.json
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
