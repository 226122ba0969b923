import { describe, expect, it } from 'vitest';
import { DAWN_SUMMARY, DawnNoiseFilter } from '../src/log-filter.js';

// as Dawn prints it (captured from the npm `webgpu` package on a machine without libvulkan)
const block = "Warning: Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file: No such file or directory\n    at operator() (/home/runner/work/node-webgpu/node-webgpu/third_party/dawn/src/dawn/native/vulkan/BackendVk.cpp:368)\n\n";

describe('DawnNoiseFilter', () => {
  it('turns repeated Dawn/Vulkan warning blocks into one line and keeps the daemon\'s own lines', () => {
    const f = new DawnNoiseFilter();
    const out = f.push(`medad-daemon: starting\n${block}${block}medad-daemon: backend wasm\n`);
    expect(out).toBe(`medad-daemon: starting\n${DAWN_SUMMARY}\nmedad-daemon: backend wasm\n`);
  });

  it('handles lines split across chunks', () => {
    const f = new DawnNoiseFilter();
    const text = `${block}training started\n`;
    let out = '';
    for (let i = 0; i < text.length; i += 7) out += f.push(text.slice(i, i + 7));
    out += f.flush();
    expect(out).toBe(`${DAWN_SUMMARY}\ntraining started\n`);
  });

  it('keeps indented lines that do not follow a Dawn warning (stack traces of real errors)', () => {
    const f = new DawnNoiseFilter();
    expect(f.push('Error: boom\n    at x (y.js:1)\n')).toBe('Error: boom\n    at x (y.js:1)\n');
  });
});
