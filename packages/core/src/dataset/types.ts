// Types shared by dataset resolution, summary and leakage checks.
import type { KeyPath } from '../config/positions.js';
import type { DecodeOptions } from '../io/types.js';

export type Split = 'train' | 'validation' | 'test' | 'unlabelled';

export interface DatasetItem {
  /** Absolute path. */
  path: string;
  /** 0 normal, 1 anomalous. For unlabelled items from a folder without class folders this is 0 and `labelKnown` is false. */
  label: 0 | 1;
  className: string;
  split: Split;
  /** Absolute path of the pixel mask, when there is one. */
  mask?: string;
  /** Index of the config source it came from (-1: validation/unlabelled folder). */
  source: number;
  /** Decoder options from the source (DICOM window, NIfTI slices); pass to decodeFile. */
  decode?: DecodeOptions;
  /** false only for pool images whose label is unknown. */
  labelKnown?: false;
  /** Group key (e.g. the patient) when the config groups images; splits keep a group on one side. */
  group?: string;
}

/** A problem found while resolving: `path` is the config key to underline (see rangeOfPath). */
export interface DatasetProblem {
  severity: 'error' | 'warning' | 'info';
  message: string;
  code: string;
  path: KeyPath;
  /** A file other than the config the problem is about (e.g. the manifest), with a 1-based line. */
  file?: string;
  line?: number;
}

export interface ResolvedDataset {
  train: DatasetItem[];
  validation: DatasetItem[];
  test: DatasetItem[];
  unlabelled: DatasetItem[];
  problems: DatasetProblem[];
}
