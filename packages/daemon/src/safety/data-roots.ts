// Data roots from dataset configs: a dataset config inside the workspace that names folders outside it (a mounted
// share, a sibling folder) lets the daemon read those folders, read-only. Registered when such a config (or an
// experiment config pointing at one) is opened in the editor or named by a request.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { experimentConfigSchema, parseDatasetConfig, parseYamlDocument, type DatasetConfig } from '@medad/core';
import type { Sandbox } from './sandbox.js';
import { withTimeout } from './open-checked.js';

/** Config files larger than this are not scanned for data roots (a config is a few KiB). */
const MAX_CONFIG_BYTES = 1 << 20;

/** The folders a dataset config reads: each source's root (or manifest folder), the validation and pool folders. */
export function datasetRoots(cfg: Pick<DatasetConfig, 'sources'> & Partial<Pick<DatasetConfig, 'validation' | 'unlabelled'>>, dir: string): string[] {
  const roots: string[] = [];
  for (const s of cfg.sources ?? []) {
    if (s.layout === 'manifest') {
      const manifestDir = path.dirname(path.resolve(dir, s.file));
      roots.push(s.root ? path.resolve(manifestDir, s.root) : manifestDir);
    } else roots.push(path.resolve(dir, s.root));
  }
  const v = cfg.validation as { folder?: string } | undefined;
  if (v?.folder) roots.push(path.resolve(dir, v.folder));
  const from = (cfg.unlabelled as { from?: string } | undefined)?.from;
  if (from && (from.includes('/') || from.startsWith('.'))) roots.push(path.resolve(dir, from));
  return roots;
}

/** Registers the data roots of a config text (dataset, or experiment with an inline or referenced dataset). */
export async function registerConfigRoots(sandbox: Sandbox, file: string, text?: string, depth = 0): Promise<void> {
  if (depth > 2) return;
  try {
    if (text === undefined) {
      const st = await withTimeout(`stat of ${file}`, fs.stat(file));
      if (!st.isFile() || st.size > MAX_CONFIG_BYTES) return;
      text = await withTimeout(`reading ${file}`, fs.readFile(file, 'utf8'));
    }
    if (text.length > MAX_CONFIG_BYTES) return;
    const dir = path.dirname(file);
    if (/^medad:\s*['"]?dataset/m.test(text)) {
      const v = parseDatasetConfig(text, file).value;
      if (v) sandbox.setDatasetRoots(file, datasetRoots(v, dir));
    } else if (/^medad:\s*['"]?experiment/m.test(text)) {
      const ds = parseYamlDocument(text, experimentConfigSchema, file).value?.dataset;
      if (typeof ds === 'string') {
        const inner = path.resolve(dir, ds);
        // only a dataset config the sandbox already lets us read can add roots
        if (sandbox.contains(inner)) await registerConfigRoots(sandbox, inner, undefined, depth + 1);
      } else if (ds) sandbox.setDatasetRoots(file, datasetRoots(ds, dir));
    }
  } catch {
    // an unreadable or invalid config adds no roots; diagnostics report it
  }
}
