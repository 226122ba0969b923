// medad/listSweeps: the Runs view groups a sweep's runs under the sweep and shows its aggregate (issue 18).
// Part of the protocol (re-exported by protocol.ts); free of @medad/core like the rest of it.
import { RequestType } from 'vscode-languageserver-protocol';
import type { FileRef, RunSummary } from './protocol.js';

export interface ListSweepsParams {
  /** A folder to search; the configured run directory when omitted. */
  root?: FileRef;
}

/** One metric over a setting's seeds (core's aggregate.json): mean, sample SD, t-interval of the mean. */
export interface SweepMetricSummary {
  n: number;
  mean: number;
  /** NaN/absent for n < 2. */
  sd?: number;
  /** The t-interval of the mean at the sweep's confidence; absent for n < 2. */
  ci?: [number, number];
  values: number[];
}

export interface SweepSettingSummary {
  label: string;
  seeds: number[];
  /** variant ('main', then the detector's other scores) -> metric -> summary. */
  variants: Record<string, Record<string, SweepMetricSummary>>;
}

/** A sweep's run: the run's summary with its place in the grid. */
export interface SweepRunSummary extends RunSummary {
  setting: number;
  seed: number;
  /** The sweep's own record: 'pending' (queued or training), 'done' or 'failed'. */
  sweepState: 'pending' | 'done' | 'failed';
}

export interface SweepSummary {
  sweepDir: string;
  /** The sweep folder's name, e.g. `demo-sweep-20261207-031500`. */
  name: string;
  experiment?: string;
  startedAt?: string;
  /** Set when the sweep command finished (aggregate written). */
  finishedAt?: string;
  total: number;
  done: number;
  failed: number;
  settings: { label: string }[];
  runs: SweepRunSummary[];
  /** From aggregate.json; while the sweep runs, computed from the runs evaluated so far (`partial`). */
  aggregate?: { confidence: number; partial: boolean; settings: SweepSettingSummary[] };
  /** summary.html, when written. */
  summaryHtml?: string;
  /** Unreadable sweep.json / aggregate.json, by file. */
  problems?: string[];
}

export interface ListSweepsResult {
  sweeps: SweepSummary[];
}

export const ListSweepsRequest = new RequestType<ListSweepsParams, ListSweepsResult, void>('medad/listSweeps');
