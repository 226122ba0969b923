import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError, intFlag, formatHelp } from '../../src/cli/args.js';
import { formatProgressLine, ProgressBar } from '../../src/cli/progress.js';

const specs = {
  json: { type: 'boolean', description: 'json' },
  out: { type: 'string', value: 'DIR', description: 'out' },
  help: { type: 'boolean', short: 'h', description: 'help' },
} as const;

describe('parseArgs', () => {
  it('reads flags in both forms, positionals and --', () => {
    const a = parseArgs(['a', '--out', 'x', '--json', 'b', '--', '--not-a-flag'], specs);
    expect(a).toEqual({ flags: { out: 'x', json: true }, positionals: ['a', 'b', '--not-a-flag'] });
    expect(parseArgs(['--out=y', '-h'], specs).flags).toEqual({ out: 'y', help: true });
  });

  it('rejects unknown flags, missing values and values on booleans', () => {
    expect(() => parseArgs(['--resme'], specs)).toThrow(UsageError);
    expect(() => parseArgs(['--out'], specs)).toThrow(/needs a value/);
    expect(() => parseArgs(['--out', '--json'], specs)).toThrow(/needs a value/);
    expect(() => parseArgs(['--json=1'], specs)).toThrow(/takes no value/);
  });

  it('validates integer flags and lists flags in help', () => {
    expect(intFlag({ flags: { epochs: '3' }, positionals: [] }, 'epochs')).toBe(3);
    expect(() => intFlag({ flags: { epochs: '2.5' }, positionals: [] }, 'epochs')).toThrow(/positive integer/);
    expect(formatHelp('medad x', 'does x', specs)).toMatch(/--out DIR\s+out/);
  });
});

describe('progress', () => {
  it('formats percentage, ETA and loss', () => {
    expect(formatProgressLine('train', { fraction: 0.5, etaMs: 90_000, loss: 0.01234 }, 10)).toBe('train [#####.....]  50%  ETA 1m30s  loss 0.01234');
  });

  it('prints a line every few seconds when not a TTY, and repaints one line on a TTY', () => {
    let now = 0;
    const out: string[] = [];
    const plain = new ProgressBar('x', { write: (t: string) => out.push(t), isTTY: false }, 5000, () => now);
    for (now = 0; now <= 12_000; now += 1000) plain.update({ fraction: now / 12_000 });
    expect(out).toHaveLength(3); // t = 0, 5 s, 10 s
    expect(out.every((l) => l.endsWith('\n'))).toBe(true);
    const tty: string[] = [];
    const bar = new ProgressBar('x', { write: (t: string) => tty.push(t), isTTY: true }, 5000, () => now);
    for (let k = 0; k < 3; k++, now += 200) bar.update({ fraction: k / 3 });
    bar.done();
    expect(tty.every((l) => l.startsWith('\r'))).toBe(true);
    expect(tty.slice(0, -1).some((l) => l.includes('\n'))).toBe(false);
  });
});
