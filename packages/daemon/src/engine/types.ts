// What the daemon needs from the analysis core, as plain data. Only engine/core-adapter.ts knows how
// @medad/core spells these; features and jobs depend on these interfaces alone.
import type { ConfigIssue, Position } from '@medad/core';
import type {
  DatasetItemsResult,
  DatasetAuditResult,
  DatasetSummary,
  HeatmapParams,
  ImageWindow,
  LeakageResult,
  ReadyParams,
  RenderImageResult,
  RunMetricsResult,
  RunSummary,
  ScoreImagesParams,
} from '../protocol.js';

export type { ConfigIssue, Position };
export type ConfigKind = 'dataset' | 'experiment';
export type KeyPath = (string | number)[];

export interface Range {
  start: Position;
  end: Position;
}

export interface AnalysedDocument {
  kind?: ConfigKind;
  /** The validated config; absent when there are errors. */
  value?: unknown;
  issues: ConfigIssue[];
}

/** Calls answered on the JSON-RPC thread: must be fast (parsing one document) or async I/O. */
export interface EditorEngine {
  analyse(text: string, file: string): AnalysedDocument;
  pathAt(text: string, pos: Position): { path: KeyPath; isKey: boolean };
  rangeOf(text: string, path: KeyPath, part?: 'key' | 'value'): Range | undefined;
  /** Registered detectors (`detector.name` is a free string in the schema: detectors register at run time). */
  detectors(): { name: string; description?: string; params?: object }[];
  /** JSON Schema of a config kind (descriptions, enums), undefined when core has none yet. */
  jsonSchema(kind: ConfigKind): object | undefined;
  /** Cheap checks needing the file system (paths, image counts, sizes...); must honour `signal`. */
  semanticChecks(kind: ConfigKind, value: unknown, file: string, text: string, signal: AbortSignal): Promise<ConfigIssue[]>;
  /** Semantic checks of the parts that parse while the config has schema errors (optional for test fakes). */
  partialChecks?(kind: ConfigKind, file: string, text: string): Promise<ConfigIssue[]>;
  /** Candidates close to a mistyped word, best first ('detector': also the names people use for detectors). */
  suggest?(word: string, candidates: readonly string[], what?: 'detector'): string[];
  /**
   * The expensive checks (dataset configs; [] for others), off the JSON-RPC thread and cached: train/test leakage,
   * then the shortcut audit's warnings.
   */
  leakageChecks(kind: ConfigKind, value: unknown, file: string, text: string, signal: AbortSignal): Promise<ConfigIssue[]>;
  datasetSummary(file: string, signal: AbortSignal): Promise<DatasetSummary>;
  /** The resolved dataset's images with their splits (the gallery's split filter); optional for test fakes. */
  datasetItems?(file: string): Promise<DatasetItemsResult>;
  /** One image (frame/slice) decoded and windowed to an 8-bit grey PNG. */
  renderImage(file: string, slice: number | undefined, window: ImageWindow | undefined): Promise<RenderImageResult>;
  /** The leakage report (duplicate pairs) of a dataset or experiment config, through the cached check worker. */
  leakage(file: string, signal: AbortSignal): Promise<LeakageResult>;
  /** The shortcut audit of a dataset or experiment config, through its cached check worker, with progress. */
  datasetAudit(file: string, signal: AbortSignal, onProgress?: (percentage: number | undefined, message: string) => void): Promise<DatasetAuditResult>;
  /** Markdown lines of the dataset's shortcut audit when one is cached (hover on `sources`); never starts one. */
  auditSummary?(file: string): Promise<string | undefined>;
  /** Markdown summary (counts, classes, sizes) of a dataset folder or config for hovers; undefined if it is neither. */
  summarisePath(abs: string, signal: AbortSignal): Promise<string | undefined>;
  listRuns(root: string): Promise<RunSummary[]>;
  /** Frees the run locks this process holds under `root` (its training worker died); the folders released. */
  releaseOwnRunLocks(root: string): Promise<string[]>;
  runMetrics(runDir: string): Promise<RunMetricsResult>;
  initBackend(): Promise<ReadyParams>;
  /** Ends helper threads (the check worker). */
  dispose(): Promise<void>;
}

export interface JobContext {
  signal: AbortSignal;
  onProgress(percentage: number | undefined, message: string): void;
}

/** Calls made inside a worker thread: the heavy ones. */
export interface ComputeEngine {
  train(params: { experiment: string; runRoot: string; resume?: boolean | string }, ctx: JobContext): Promise<{ runDir: string }>;
  evaluate(params: { experiment: string; runDir?: string; runRoot: string }, ctx: JobContext): Promise<{ runDir: string; metrics: Record<string, number> }>;
  score(params: ScoreImagesParams & { mapDir: string }, ctx: JobContext): Promise<{ scores: { file: string; score: number; mapPath?: string }[]; failures: { file: string; reason: string }[] }>;
  /** The coloured map as PNG bytes: they come back through the worker's message (no temporary file to write and read). */
  heatmap(params: HeatmapParams, ctx: JobContext): Promise<{ score: number; width: number; height: number; range: [number, number]; png: Uint8Array }>;
}
