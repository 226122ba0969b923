// Byte- and text-level mutations for the fuzz suite, as fast-check arbitraries so a failure shrinks to a short list
// of operations on one seed. Header fields are located per format (PNG IHDR, JPEG SOF, DICOM tags, NIfTI-1 fields)
// and overwritten with boundary values, which random flips alone would almost never reach.
import fc from 'fast-check';

export type ByteOp =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; value: number }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; len: number }
  | { op: 'duplicate'; at: number; len: number; to: number }
  | { op: 'field'; field: number; value: number };

/** A header field: byte offset, width and endianness, found in the seed itself. */
export interface Field {
  at: number;
  width: 1 | 2 | 4;
  le: boolean;
  float?: boolean;
}

/** Values that break arithmetic: zero, one, sign and width edges, huge, and NaN/Inf for float fields. */
const BOUNDARY = [0, 1, 2, 3, 7, 8, 15, 16, 17, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 65535 * 65535, -1, -2, -32768];

/** Fractions of the length: positions are relative so one op list applies to any seed. */
const pos = fc.integer({ min: 0, max: 1_000_000 });
const at = (p: number, len: number) => (len ? p % (len + 1) : 0);

export const byteOp = (fieldCount: number): fc.Arbitrary<ByteOp> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constant('flip' as const), at: pos, bit: fc.integer({ min: 0, max: 7 }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('set' as const), at: pos, value: fc.constantFrom(0, 0xff, 0x7f, 0x80, 1) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: pos }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('insert' as const), at: pos, bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), at: pos, len: fc.integer({ min: 1, max: 256 }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('duplicate' as const), at: pos, len: fc.integer({ min: 1, max: 512 }), to: pos }) },
    ...(fieldCount > 0
      ? [{ weight: 4, arbitrary: fc.record({ op: fc.constant('field' as const), field: fc.nat({ max: fieldCount - 1 }), value: fc.oneof(fc.constantFrom(...BOUNDARY), fc.integer()) }) }]
      : []),
  );

function writeField(b: Buffer, f: Field, value: number): void {
  if (f.at + f.width > b.length) return;
  if (f.float) {
    const v = value === 0xffffffff ? NaN : value === 0x80000000 ? Infinity : value;
    if (f.le) b.writeFloatLE(v, f.at);
    else b.writeFloatBE(v, f.at);
    return;
  }
  const u = ((value % 2 ** (8 * f.width)) + 2 ** (8 * f.width)) % 2 ** (8 * f.width);
  if (f.width === 1) b.writeUInt8(u, f.at);
  else if (f.width === 2) (f.le ? b.writeUInt16LE : b.writeUInt16BE).call(b, u, f.at);
  else (f.le ? b.writeUInt32LE : b.writeUInt32BE).call(b, u, f.at);
}

/** Applies the ops in order to a copy of `seed`. */
export function applyOps(seed: Uint8Array, ops: ByteOp[], fields: Field[]): Buffer {
  let b = Buffer.from(seed);
  for (const o of ops) {
    const len = b.length;
    switch (o.op) {
      case 'flip':
        if (len) b[at(o.at, len - 1)] ^= 1 << o.bit;
        break;
      case 'set':
        if (len) b[at(o.at, len - 1)] = o.value;
        break;
      case 'truncate':
        b = b.subarray(0, at(o.at, len));
        break;
      case 'insert': {
        const i = at(o.at, len);
        b = Buffer.concat([b.subarray(0, i), o.bytes, b.subarray(i)]);
        break;
      }
      case 'delete': {
        const i = at(o.at, len);
        b = Buffer.concat([b.subarray(0, i), b.subarray(i + o.len)]);
        break;
      }
      case 'duplicate': {
        const i = at(o.at, len);
        const piece = Buffer.from(b.subarray(i, i + o.len));
        const j = at(o.to, len);
        b = Buffer.concat([b.subarray(0, j), piece, b.subarray(j)]);
        break;
      }
      case 'field':
        if (fields.length) {
          b = Buffer.from(b);
          writeField(b, fields[o.field % fields.length], o.value);
        }
        break;
    }
  }
  return Buffer.from(b);
}

/** Header fields of a seed, by format. */
export function fieldsOf(seed: Buffer): Field[] {
  const fields: Field[] = [];
  if (seed[0] === 0x89 && seed.toString('latin1', 1, 4) === 'PNG') {
    // IHDR: width, height, bit depth, colour type, compression, filter, interlace; then the first chunk lengths.
    fields.push({ at: 16, width: 4, le: false }, { at: 20, width: 4, le: false });
    for (const a of [24, 25, 26, 27, 28]) fields.push({ at: a, width: 1, le: false });
    for (let i = 33; i + 8 <= seed.length; ) {
      fields.push({ at: i, width: 4, le: false });
      i += 12 + seed.readUInt32BE(i);
    }
  } else if (seed[0] === 0xff && seed[1] === 0xd8) {
    // Every marker segment length, and the SOF's precision, height, width and component count.
    for (let i = 2; i + 4 <= seed.length && seed[i] === 0xff; ) {
      const m = seed[i + 1];
      if (m === 0xda) break;
      fields.push({ at: i + 2, width: 2, le: false });
      if (m >= 0xc0 && m <= 0xc2) fields.push({ at: i + 4, width: 1, le: false }, { at: i + 5, width: 2, le: false }, { at: i + 7, width: 2, le: false }, { at: i + 9, width: 1, le: false });
      i += 2 + seed.readUInt16BE(i + 2);
    }
  } else if (seed.toString('latin1', 128, 132) === 'DICM') {
    // The value (and explicit-VR length) of the tags decoding depends on, found by their group/element bytes.
    const tags = [[0x0002, 0x0010], [0x0028, 0x0002], [0x0028, 0x0008], [0x0028, 0x0010], [0x0028, 0x0011], [0x0028, 0x0100], [0x0028, 0x0101], [0x0028, 0x0103], [0x7fe0, 0x0010]];
    for (const [g, e] of tags) {
      const needle = Buffer.from([g & 0xff, g >> 8, e & 0xff, e >> 8]);
      const i = seed.indexOf(needle, 132);
      if (i < 0) continue;
      fields.push({ at: i + 4, width: 2, le: true }, { at: i + 6, width: 2, le: true }, { at: i + 8, width: 2, le: true }, { at: i + 4, width: 4, le: true });
    }
  } else if (seed.length >= 348 && seed.readInt32LE(0) === 348) {
    // sizeof_hdr, dim[0..7], datatype, bitpix, then vox_offset, scl_slope, scl_inter (floats).
    fields.push({ at: 0, width: 4, le: true });
    for (let d = 0; d < 8; d++) fields.push({ at: 40 + 2 * d, width: 2, le: true });
    fields.push({ at: 70, width: 2, le: true }, { at: 72, width: 2, le: true });
    for (const a of [108, 112, 116]) fields.push({ at: a, width: 4, le: true, float: true });
  }
  return fields;
}

/** An image input: pure random bytes, a format's magic followed by random bytes, or a mutated seed. */
export type ImageCase = { kind: 'random'; bytes: Uint8Array } | { kind: 'magic'; magic: number; bytes: Uint8Array } | { kind: 'mutant'; seed: number; ops: ByteOp[]; inner: boolean };

export const MAGICS: Buffer[] = [
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from([0xff, 0xd8, 0xff]),
  Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1')]),
  Buffer.from([0x1f, 0x8b]),
];

export function imageCase(seedCount: number, fieldCount: number): fc.Arbitrary<ImageCase> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 2048 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('magic' as const), magic: fc.nat({ max: MAGICS.length - 1 }), bytes: fc.uint8Array({ maxLength: 1024 }) }) },
    // Few ops: one flip already breaks most files; more would only test the first check that fails.
    // `inner`: for a gzip'd seed, mutate the inflated bytes and compress again (reaches the NIfTI reader); for a PNG,
    // recompute the chunk CRCs after mutating (reaches libvips' decoder instead of its CRC check).
    { weight: 8, arbitrary: fc.record({ kind: fc.constant('mutant' as const), seed: fc.nat({ max: seedCount - 1 }), ops: fc.array(byteOp(fieldCount), { minLength: 1, maxLength: 3 }), inner: fc.boolean() }) },
  );
}

// YAML text mutations: characters that change YAML structure, plus line-level edits.
const YAML_BITS = [':', '- ', '[', ']', '{', '}', ',', '"', "'", '#', '&a', '*a', '!!str ', '!!binary ', '|', '>', '? ', '\t', '\n', '  ', '---\n', '...', '~', 'null', '-1', '1e309', '0x10', '.nan', '%YAML 1.2\n', '<<: *a', '\u0000', '\ufeff', '\ud800', '😀'];

export type TextOp =
  | { op: 'insert'; at: number; text: string }
  | { op: 'delete'; at: number; len: number }
  | { op: 'dupLine'; line: number }
  | { op: 'dropLine'; line: number }
  | { op: 'swapLines'; a: number; b: number }
  | { op: 'indent'; line: number; by: number }
  | { op: 'value'; line: number; value: string };

/** Scalars a value may be replaced with: wrong types, edges, paths out of range, huge numbers. */
const VALUE = fc.oneof(
  fc.constantFrom('0', '-1', '1.5', '1e400', 'true', 'null', '[]', '{}', '""', '[1]', '[0, 0]', '[-5, 3]', '[1, 2, 3]', 'nope', 'missing/folder', '../outside', 'a.csv', '.nan', '.inf', '99999999999999999999', '2', '0.999999', 'dicom', 'nifti', 'manifest', 'folder', 'ae', 'no-such-detector'),
  fc.string({ maxLength: 12 }),
  fc.integer().map(String),
);

export const textOp: fc.Arbitrary<TextOp> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('insert' as const), at: pos, text: fc.oneof(fc.constantFrom(...YAML_BITS), fc.string({ maxLength: 8 })) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at: pos, len: fc.integer({ min: 1, max: 24 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('dupLine' as const), line: pos }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('dropLine' as const), line: pos }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('swapLines' as const), a: pos, b: pos }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('indent' as const), line: pos, by: fc.integer({ min: -4, max: 4 }) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('value' as const), line: pos, value: VALUE }) },
);

export function applyTextOps(seed: string, ops: TextOp[]): string {
  let t = seed;
  for (const o of ops) {
    const lines = t.split('\n');
    const li = (p: number) => p % Math.max(1, lines.length);
    switch (o.op) {
      case 'insert': {
        const i = at(o.at, t.length);
        t = t.slice(0, i) + o.text + t.slice(i);
        break;
      }
      case 'delete': {
        const i = at(o.at, t.length);
        t = t.slice(0, i) + t.slice(i + o.len);
        break;
      }
      case 'dupLine':
        lines.splice(li(o.line), 0, lines[li(o.line)]);
        t = lines.join('\n');
        break;
      case 'dropLine':
        lines.splice(li(o.line), 1);
        t = lines.join('\n');
        break;
      case 'swapLines': {
        const [a, b] = [li(o.a), li(o.b)];
        [lines[a], lines[b]] = [lines[b], lines[a]];
        t = lines.join('\n');
        break;
      }
      case 'indent': {
        const i = li(o.line);
        lines[i] = o.by >= 0 ? ' '.repeat(o.by) + lines[i] : lines[i].replace(new RegExp(`^ {0,${-o.by}}`), '');
        t = lines.join('\n');
        break;
      }
      case 'value': {
        // Replace what follows the first ': ' or '- ' on the line (a key's value or a list item).
        const i = li(o.line);
        lines[i] = lines[i].replace(/^(\s*(?:- )?[^:#]*:\s|\s*- )(.*)$/, (_m, head: string) => head + o.value);
        t = lines.join('\n');
        break;
      }
    }
  }
  return t;
}

export type TextCase = { kind: 'random'; text: string } | { kind: 'mutant'; seed: number; ops: TextOp[] } | { kind: 'structured'; value: unknown };

/** Random text, a mutated seed config, or a schema-shaped object (`structured`, written as YAML by the caller). */
export function textCase(seedCount: number, structured: fc.Arbitrary<unknown>): fc.Arbitrary<TextCase> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('random' as const), text: fc.string({ maxLength: 200, unit: fc.constantFrom(...'ab: -[]{},#&*!|>\'"\n\t0.1'.split(''), ...YAML_BITS) }) }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('mutant' as const), seed: fc.nat({ max: seedCount - 1 }), ops: fc.array(textOp, { minLength: 1, maxLength: 3 }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('structured' as const), value: structured }) },
  );
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** Rewrites the CRC of every whole chunk of a PNG in place (a mutated chunk then still passes the check). */
export function fixPngCrcs(b: Buffer): Buffer {
  for (let i = 8; i + 12 <= b.length; ) {
    const len = b.readUInt32BE(i);
    if (i + 12 + len > b.length) break;
    let c = 0xffffffff;
    for (let j = i + 4; j < i + 8 + len; j++) c = CRC_TABLE[(c ^ b[j]) & 0xff] ^ (c >>> 8);
    b.writeUInt32BE((c ^ 0xffffffff) >>> 0, i + 8 + len);
    i += 12 + len;
  }
  return b;
}

// Structured configs: objects shaped like the schemas (right keys, values plausible, edge or wrong), so more inputs
// get past the schema and reach resolution and the semantic checks than text mutations alone do.
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });
/** Mostly small valid numbers, sometimes an edge (0, negative, huge, fractional, NaN/Infinity). */
const num = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 8 }) }, { weight: 1, arbitrary: fc.integer({ min: -3, max: 300 }) }, { weight: 1, arbitrary: fc.double() }, { weight: 1, arbitrary: fc.constantFrom(0, 0.5, 0.1, 1e9) });
const mostly = <T>(good: T, ...bad: T[]) => fc.oneof({ weight: 9, arbitrary: fc.constant(good) }, { weight: 1, arbitrary: fc.constantFrom(...bad) });
const folder = fc.constantFrom('data', 'dicom', 'nifti', 'nope', 'data/train', 'data/test/normal', '.', 'data/manifest.csv');
const cls = fc.constantFrom('normal', 'tumour', 'lesion', 'train', 'test', 'masks', 'x');

const folderShape = { root: folder, train: opt(cls), test: opt(cls), masks: opt(cls), normalClass: opt(cls) };
const source = fc.oneof(
  fc.record({ layout: fc.constant('folder'), ...folderShape }, { requiredKeys: ['layout', 'root'] }),
  fc.record({ layout: fc.constant('manifest'), file: fc.constantFrom('data/manifest.csv', 'nope.csv', 'data/train/normal/a.png', 'data'), root: opt(folder) }, { requiredKeys: ['layout', 'file'] }),
  fc.record({ layout: fc.constant('dicom'), ...folderShape, window: opt(fc.oneof(fc.constantFrom('file', 'none'), fc.record({ center: num, width: num }))) }, { requiredKeys: ['layout', 'root'] }),
  fc.record(
    {
      layout: fc.constant('nifti'),
      ...folderShape,
      slices: opt(fc.record({ axis: opt(fc.integer({ min: -1, max: 3 })), range: opt(fc.tuple(fc.integer({ min: -2, max: 5 }), fc.integer({ min: -2, max: 5 }))), every: opt(fc.integer({ min: -1, max: 4 })) })),
      clip: opt(fc.tuple(num, num)),
    },
    { requiredKeys: ['layout', 'root'] },
  ),
);

export const datasetObject = fc.record(
  {
    medad: mostly('dataset', 'experiment'),
    version: mostly(1, 2),
    name: opt(fc.string({ maxLength: 8 })),
    seed: opt(fc.integer()),
    sources: fc.array(source, { minLength: 1, maxLength: 3 }),
    validation: opt(fc.oneof(fc.record({ fraction: fc.oneof(fc.constantFrom(0.1, 0.25, 0.5), num) }), fc.record({ folder }))),
    unlabelled: opt(fc.record({ from: fc.constantFrom('train', 'pool', 'data', 'nope', 'test'), size: opt(num), anomalyRate: opt(num), seed: opt(fc.integer()) }, { requiredKeys: ['from'] })),
  },
  { requiredKeys: ['medad', 'version', 'sources'] },
);

export const experimentObject = (detectorNames: readonly string[]) =>
  fc.record(
    {
      medad: mostly('experiment', 'dataset'),
      version: opt(mostly(1, 2)),
      name: opt(mostly('ok-name', 'bad name/', '')),
      dataset: fc.oneof(fc.constantFrom('folder.dataset.medad.yaml', 'mixed.dataset.medad.yaml', 'nope.yaml', 'data'), datasetObject.map(({ medad: _m, ...inline }) => inline)),
      detector: fc.record({ name: fc.constantFrom(...detectorNames, 'nope'), params: opt(fc.dictionary(fc.constantFrom('latent', 'channels', 'beta', 'memory', 'patch', 'students', 'x'), fc.oneof(num, fc.array(fc.integer({ min: -2, max: 64 }), { maxLength: 4 }), fc.string({ maxLength: 4 })))) }, { requiredKeys: ['name'] }),
      input: opt(fc.record({ size: opt(fc.oneof(fc.constantFrom([16, 16], [32, 24]), fc.tuple(fc.integer({ min: 0, max: 2048 }), fc.integer({ min: 0, max: 2048 })))), resize: opt(fc.constantFrom('area', 'bilinear', 'nearest')), normalise: opt(fc.constantFrom('minus1to1', 'zscore', 'unit')) })),
      training: opt(fc.record({ epochs: opt(num), batchSize: opt(num), lr: opt(num), seed: opt(fc.integer()), stepsPerEpoch: opt(num), checkpointEvery: opt(num) })),
      evaluation: opt(fc.record({ metrics: opt(fc.array(fc.constantFrom('auroc', 'ap', 'f1', 'dice', 'pixelAuroc', 'aupro', 'nope'), { maxLength: 3 })), pixelMetrics: opt(fc.constantFrom('auto', true, false)), bootstrap: opt(fc.record({ samples: opt(num), seed: opt(fc.integer()) })) })),
      output: opt(fc.record({ dir: fc.constantFrom('runs', 'out/runs') })),
    },
    { requiredKeys: ['medad', 'dataset', 'detector'] },
  );
