// DICOM decoding speed per transfer syntax, beside the raster loader (sharp) on the same image: images/s of
// decodeFile for one 512x512 12-bit phantom (8-bit for JPEG baseline and the raster JPEG). The compressed files are
// made here with Debian's dcmtk and gdcm when installed (apt-get install dcmtk libgdcm-tools); a missing tool skips
// its syntaxes. Prints a table and writes bench-results/dicom-decode-latest.json. Usage: tsx bench/dicom-decode.ts [--seconds 1]
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { decodeFile } from '../src/io/index.js';
import { writeGray16Png } from '../src/io/png.js';
import { withSizedThreadPool } from '../src/io/threadpool.js';
import { writeJsonAtomic } from '../src/model/atomic.js';
import { writeDicom } from '../test/io/fixtures/dicom-writer.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SIZE = 512;
const log = (s: string) => process.stderr.write(`${s}\n`);

/** A CT-like phantom: a body ellipse with organs and noise, 12 bits. */
function phantom(bits: number): number[] {
  const max = 2 ** bits - 1;
  const px: number[] = [];
  let seed = 7;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) {
      const u = (x - SIZE / 2) / (SIZE * 0.42);
      const v = (y - SIZE / 2) / (SIZE * 0.34);
      let f = u * u + v * v < 1 ? 0.45 : 0.02;
      if ((u - 0.3) ** 2 + v * v < 0.05) f = 0.7;
      if ((u + 0.35) ** 2 + (v - 0.2) ** 2 < 0.08) f = 0.25;
      px.push(Math.round(Math.min(1, Math.max(0, f + (rand() - 0.5) * 0.04)) * max));
    }
  return px;
}

const has = (tool: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

async function rate(file: string, seconds: number): Promise<{ perSecond: number; ms: number }> {
  for (let i = 0; i < 3; i++) await decodeFile(file); // loads the codec, warms the JIT
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000 || n < 5) {
    await decodeFile(file);
    n++;
  }
  const ms = (performance.now() - start) / n;
  return { perSecond: 1000 / ms, ms };
}

async function main(): Promise<void> {
  withSizedThreadPool();
  const i = process.argv.indexOf('--seconds');
  const seconds = i > 0 ? Number(process.argv[i + 1]) : 1;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'medad-dicom-bench-'));
  try {
    const p16 = phantom(12);
    const p8 = phantom(8);
    const src16 = path.join(dir, 'src16.dcm');
    const src8 = path.join(dir, 'src8.dcm');
    await writeFile(src16, writeDicom({ rows: SIZE, cols: SIZE, bitsAllocated: 16, bitsStored: 12, pixels: p16 }));
    await writeFile(src8, writeDicom({ rows: SIZE, cols: SIZE, bitsAllocated: 8, pixels: p8 }));
    const cases: { name: string; file: string; tool?: string; args?: string[] }[] = [
      { name: 'DICOM explicit VR little endian (native)', file: src16 },
      { name: 'DICOM deflated explicit VR', file: 'deflate.dcm', tool: 'dcmconv', args: ['+td', src16] },
      { name: 'DICOM explicit VR big endian', file: 'be.dcm', tool: 'dcmconv', args: ['+tb', src16] },
      { name: 'DICOM RLE lossless', file: 'rle.dcm', tool: 'dcmcrle', args: [src16] },
      { name: 'DICOM JPEG baseline (8-bit)', file: 'jpeg.dcm', tool: 'dcmcjpeg', args: ['+eb', src8] },
      { name: 'DICOM JPEG lossless SV1', file: 'jpegll.dcm', tool: 'dcmcjpeg', args: ['+e1', src16] },
      { name: 'DICOM JPEG-LS lossless', file: 'jls.dcm', tool: 'dcmcjpls', args: [src16] },
      { name: 'DICOM JPEG 2000 lossless', file: 'j2k.dcm', tool: 'gdcmconv', args: ['--j2k', src16] },
    ];
    const png = path.join(dir, 'raster16.png');
    await writeGray16Png(png, { width: SIZE, height: SIZE, data: Float32Array.from(p16) }, { min: 0, max: 65535 });
    const jpg = path.join(dir, 'raster8.jpg');
    await sharp(Buffer.from(Uint8Array.from(p8)), { raw: { width: SIZE, height: SIZE, channels: 1 } }).jpeg({ quality: 90 }).toFile(jpg);
    const rows: { name: string; perSecond?: number; ms?: number; skipped?: string }[] = [];
    for (const c of cases) {
      let file = c.file;
      if (c.tool) {
        if (!has(c.tool)) {
          rows.push({ name: c.name, skipped: `${c.tool} not installed` });
          continue;
        }
        file = path.join(dir, c.file);
        execFileSync(c.tool, [...c.args!, file], { stdio: 'ignore' });
      }
      rows.push({ name: c.name, ...(await rate(file, seconds)) });
      log(`${c.name}: done`);
    }
    rows.push({ name: 'raster PNG 16-bit (sharp)', ...(await rate(png, seconds)) });
    rows.push({ name: 'raster JPEG 8-bit (sharp)', ...(await rate(jpg, seconds)) });
    console.log(`DICOM decoding, ${SIZE}x${SIZE}, decodeFile images/s (one at a time; load average ${os.loadavg()[0].toFixed(1)})`);
    for (const r of rows)
      console.log(`  ${r.name.padEnd(42)} ${r.skipped ? `skipped: ${r.skipped}` : `${r.perSecond!.toFixed(1).padStart(7)} /s  ${r.ms!.toFixed(2).padStart(7)} ms`}`);
    await mkdir(path.join(REPO, 'bench-results'), { recursive: true });
    await writeJsonAtomic(path.join(REPO, 'bench-results', 'dicom-decode-latest.json'), {
      date: new Date().toISOString(),
      size: SIZE,
      loadAverage: os.loadavg()[0],
      rows,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
