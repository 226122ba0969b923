// The medad extension protocol: every custom request and notification the daemon speaks, typed once and
// shared with every client (the VS Code extension imports this module through `@medad/daemon/protocol`).
// Deliberately free of @medad/core: a client must be able to load it without tensors or image decoders.
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';

/** A `file://` URI or an absolute path; the daemon accepts both and refuses anything outside its roots. */
export type FileRef = string;

/** Error codes of medad requests (JSON-RPC application range, see -32000..-32099 is reserved for servers). */
export const MedadErrorCodes = {
  /** A path outside the workspace folders and the run directory. */
  PathOutsideWorkspace: -32010,
  /** A file or folder that does not exist or cannot be read. */
  NotFound: -32011,
  /** Parameters that do not match this protocol. */
  InvalidParams: -32602,
  /** The job was cancelled (by `medad/cancel`, `$/cancelRequest` or the progress cancel button). */
  Cancelled: -32800,
  /** The computation failed (corrupt image, crashed worker, missing backend...). */
  JobFailed: -32012,
  /** A capability that the installed core does not provide yet. */
  Unsupported: -32013,
  /** Refused because the workspace is not trusted (VS Code workspace trust): no training, no reading outside it. */
  WorkspaceUntrusted: -32014,
} as const;

// ---- jobs ------------------------------------------------------------------------------------------------

export type JobKind = 'train' | 'evaluate' | 'score' | 'heatmap';
export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface JobInfo {
  id: string;
  kind: JobKind;
  state: JobState;
  /** What the job works on (an experiment file, an image...). */
  target: string;
  /** 0..100 when known. */
  percentage?: number;
  message?: string;
  /** ISO timestamps. */
  queuedAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Set when state is 'failed'. */
  error?: string;
}

/** Common to long requests: the client may pass a work-done token; otherwise the daemon creates one. */
export interface JobParams {
  workDoneToken?: string | number;
}

export interface TrainParams extends JobParams {
  /** The experiment config (`medad: experiment`). */
  experiment: FileRef;
  /**
   * true: continue the experiment's latest unfinished run (cancelled, failed, interrupted) from its checkpoint; a
   * run folder: continue that one. Refused (JobFailed, naming the process) while another live process trains it.
   */
  resume?: boolean | FileRef;
}
export interface TrainResult {
  jobId: string;
  /** The run folder holding checkpoints, metrics and the final model. */
  runDir: string;
}

export interface EvaluateParams extends JobParams {
  experiment: FileRef;
  /** A finished run; the latest run of the experiment when omitted. */
  runDir?: FileRef;
}
export interface EvaluateResult {
  jobId: string;
  runDir: string;
  /** Metric name -> value (AUROC, AP, ...). */
  metrics: Record<string, number>;
}

export interface ScoreImagesParams extends JobParams {
  /** The run (model) to score with. */
  runDir: FileRef;
  /** Either explicit files or one folder (the readable images directly in it; subfolders are not searched). */
  files?: FileRef[];
  folder?: FileRef;
  /** Also write an anomaly map PNG per image. */
  maps?: boolean;
}
/** Most files one medad/scoreImages request may name (larger lists are refused with InvalidParams: send chunks). */
export const MAX_SCORE_FILES = 10_000;

export interface ImageScore {
  file: string;
  score: number;
  /** file:// URI of the 16-bit map PNG when maps were requested. */
  mapUri?: string;
}
export interface ScoreImagesResult {
  jobId: string;
  scores: ImageScore[];
  /** Files that could not be read, with the reason. */
  failures: { file: string; reason: string }[];
}

export type Colormap = 'gray' | 'jet' | 'viridis' | 'inferno';
/** 'global': one range for the whole run (normal images stay dark); 'image': per-image min-max; 'fixed': `range`. */
export type Normalisation = 'global' | 'image' | 'fixed';

export interface HeatmapParams extends JobParams {
  runDir: FileRef;
  image: FileRef;
  colormap?: Colormap;
  normalisation?: Normalisation;
  /** [low, high] in score units, used when normalisation is 'fixed'. */
  range?: [number, number];
  /** 'file' returns a path in the run's cache; 'base64' inlines the PNG bytes. Default 'file'. */
  output?: 'file' | 'base64';
  /** Frame (DICOM) or slice (NIfTI, along axis 2) of a multi-image file, 0-based; default 0. Scoring ids name it
   * as `<file>#slice=N` / `<file>#frame=N`. */
  slice?: number;
}
export interface HeatmapResult {
  /** The image-level score. */
  score: number;
  width: number;
  height: number;
  /** The range that mapped to the colormap's ends. */
  range: [number, number];
  mapPath?: string;
  pngBase64?: string;
  /** True when served from the on-disk cache. */
  cached: boolean;
}

/** Window of a rendered source image: 'auto' (default) the decoder's value range (DICOM window, NIfTI volume range,
 * the bit depth's range for raster) narrowed to the image's min..max when that is smaller; 'minmax' this image's
 * own min..max; or an explicit [low, high] in stored intensity units. */
export type ImageWindow = 'auto' | 'minmax' | [number, number];

export interface RenderImageParams {
  image: FileRef;
  /** Frame or slice of a multi-image file, 0-based; default 0. */
  slice?: number;
  window?: ImageWindow;
}
export interface RenderImageResult {
  /** 8-bit grey PNG of the decoded image at its stored size. */
  pngBase64: string;
  width: number;
  height: number;
  /** The frame/slice rendered, and how many the file holds (1 for raster images). */
  slice: number;
  frames: number;
  /** e.g. 'png', 'tiff', 'dicom', 'nifti'. */
  format: string;
  bitDepth: number;
  /** Intensities mapped to 0 and 255. */
  window: [number, number];
}

// ---- queries ---------------------------------------------------------------------------------------------

export interface DatasetSummaryParams {
  /** A dataset config or an experiment config (its dataset is summarised). */
  config: FileRef;
}
export interface DatasetSummary {
  /** Per split (train/test/unlabelled...) counts. */
  splits: { name: string; images: number; unreadable: number; classes: Record<string, number> }[];
  /** Distinct image sizes with counts, e.g. { '256x256': 120 }. */
  sizes: Record<string, number>;
  /** Plain-text lines a client may show as is. */
  text: string;
}

export interface LeakageParams {
  /** A dataset config, or an experiment config (its dataset is checked). */
  config: FileRef;
}
export interface LeakageImage {
  path: string;
  split: string;
  className: string;
}
export interface LeakagePairInfo {
  /** `a` is the reference image (train/validation/unlabelled), `b` the test image (for leakage pairs). */
  a: LeakageImage;
  b: LeakageImage;
  /** 'file': same bytes; 'pixels': same decoded pixels; 'near': perceptual hash within `distance` bits. */
  kind: 'file' | 'pixels' | 'near';
  /** pHash hamming distance (0 for exact duplicates). */
  distance: number;
  /** Fine-detail correlation (1 for exact duplicates). */
  correlation: number;
}
export interface LeakageResult {
  /** Test images duplicating an image the model may see. */
  pairs: LeakagePairInfo[];
  /** Duplicates within the test set (inflate metrics, not leakage). */
  withinTest: LeakagePairInfo[];
  checked: { reference: number; test: number };
  unreadable: { path: string; reason: string }[];
  /** True when the report came from the daemon's cache (same items and folder mtimes as an earlier check). */
  cached: boolean;
}

export interface ListRunsParams {
  /** A folder to search; the configured run directory when omitted. */
  root?: FileRef;
  /** Only the runs of this experiment config. */
  experiment?: FileRef;
}
export interface RunSummary {
  runDir: string;
  experiment?: string;
  detector?: string;
  /**
   * 'cancelled': stopped on request, checkpoint kept; 'interrupted': its process died (killed, crashed) while
   * training. Both can be resumed (`medad/train` with `resume`).
   */
  state: 'running' | 'finished' | 'failed' | 'cancelled' | 'interrupted' | 'unknown';
  /** core's finer state: 'running' | 'trained' | 'evaluated' | 'cancelled' | 'failed' | 'interrupted' ('finished' = trained or evaluated). */
  coreState?: string;
  /** The step a cancelled or failed training stopped at (its checkpoint's step when cancelled). */
  stoppedAtStep?: number;
  /** Unreadable run.json / metrics.json of this run, by file. */
  problems?: string[];
  startedAt?: string;
  /** When training ended, or evaluation when the run was evaluated (ISO). */
  finishedAt?: string;
  metrics?: Record<string, number>;
}
export interface ListRunsResult {
  runs: RunSummary[];
}

export interface RunMetricsParams {
  runDir: FileRef;
}
export interface RunMetricsResult {
  runDir: string;
  metrics: Record<string, number>;
  /** Training curves when recorded: { loss: [..], step: [..] } (loss per logged step). */
  curves?: Record<string, number[]>;
  /** 95% bootstrap confidence intervals by metric name (as in `metrics`), when the evaluation recorded them. */
  intervals?: Record<string, [number, number]>;
  /**
   * The detector's other scores from the same trained weights (metrics.json `variants`: DDAD's maps, f-AnoGAN's
   * residual/feature/critic, the student-teacher's scales), by variant name; each named and flattened like `metrics`.
   */
  variants?: Record<string, Record<string, number>>;
  /** The variants' bootstrap CIs, by variant then metric name (as in `variants`), when recorded. */
  variantIntervals?: Record<string, Record<string, [number, number]>>;
  /** Training-free shortcut baselines on the same test images (metrics.json `shortcuts`), when recorded. */
  shortcuts?: RunShortcuts;
}

/** What cheap image descriptors alone reach on the run's test set (cross-validated there): read the AUROC against it. */
export interface RunShortcuts {
  bestSingle: { descriptor: string; auroc: number; direction: string };
  /** Best single descriptor with the choice cross-validated. */
  bestSingleCv?: number;
  /** L2 logistic regression on all descriptors, k-fold CV on the test set. */
  combinedCv?: number;
  k?: number;
  /** Descriptors above the audit's flag threshold. */
  flagged: string[];
}

export interface DatasetItemsParams {
  /** A dataset config or an experiment config (its dataset). */
  config: FileRef;
}
export interface DatasetItemInfo {
  /** Absolute image path, as evaluation writes it into scores.csv. */
  path: string;
  split: 'train' | 'validation' | 'test' | 'unlabelled';
  className: string;
  label: 0 | 1;
  /** The config's `group` key of the image (e.g. its patient), when the config groups images. */
  group?: string;
  /** From a DICOM file's header (absent for other formats, or when the header lacks them). */
  patientId?: string;
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
}
export interface DatasetItemsResult {
  /** Every image of the resolved dataset with its split (validation held out of train as training does). */
  items: DatasetItemInfo[];
  /** What the config groups by (its `group` rule, e.g. 'PatientID', 'column patient', 'pattern …'), when it does. */
  groupBy?: string;
}

export interface CancelParams {
  jobId: string;
}
export interface CancelResult {
  /** False when no such job was queued or running. */
  cancelled: boolean;
}

export interface StatusResult {
  ready: boolean;
  backend?: string;
  /** The GPU adapter description when one is in use. */
  adapter?: string;
  capabilities?: Record<string, boolean>;
  jobs: JobInfo[];
  workspaceFolders: string[];
  runDirectory?: string;
}

export interface ReadyParams {
  backend: string;
  adapter?: string;
  capabilities: Record<string, boolean>;
  /** Set when the backend failed to start; the daemon still answers editor requests. */
  error?: string;
}

export const Methods = {
  train: 'medad/train',
  evaluate: 'medad/evaluate',
  scoreImages: 'medad/scoreImages',
  heatmap: 'medad/heatmap',
  datasetSummary: 'medad/datasetSummary',
  listRuns: 'medad/listRuns',
  runMetrics: 'medad/runMetrics',
  cancel: 'medad/cancel',
  renderImage: 'medad/renderImage',
  leakage: 'medad/leakage',
  status: 'medad/status',
  ready: 'medad/ready',
  jobState: 'medad/jobState',
} as const;

export const TrainRequest = new RequestType<TrainParams, TrainResult, void>(Methods.train);
export const EvaluateRequest = new RequestType<EvaluateParams, EvaluateResult, void>(Methods.evaluate);
export const ScoreImagesRequest = new RequestType<ScoreImagesParams, ScoreImagesResult, void>(Methods.scoreImages);
export const HeatmapRequest = new RequestType<HeatmapParams, HeatmapResult, void>(Methods.heatmap);
export const DatasetSummaryRequest = new RequestType<DatasetSummaryParams, DatasetSummary, void>(Methods.datasetSummary);
export const ListRunsRequest = new RequestType<ListRunsParams, ListRunsResult, void>(Methods.listRuns);
export const RunMetricsRequest = new RequestType<RunMetricsParams, RunMetricsResult, void>(Methods.runMetrics);
export const DatasetItemsRequest = new RequestType<DatasetItemsParams, DatasetItemsResult, void>('medad/datasetItems');
export const CancelRequest = new RequestType<CancelParams, CancelResult, void>(Methods.cancel);
export const RenderImageRequest = new RequestType<RenderImageParams, RenderImageResult, void>(Methods.renderImage);
export const LeakageRequest = new RequestType<LeakageParams, LeakageResult, void>(Methods.leakage);
export const StatusRequest = new RequestType0<StatusResult, void>(Methods.status);

/** Sent once, when the compute backend is initialised (or failed to). */
export const ReadyNotification = new NotificationType<ReadyParams>(Methods.ready);
/** Sent on every job state change (queued, running, finished...) and on progress. */
export const JobStateNotification = new NotificationType<JobInfo>(Methods.jobState);

// ---- commands and initialisation -------------------------------------------------------------------------

/** Command ids the daemon may put in code lenses; a lens is emitted only if the client declares its command. */
export const Commands = {
  train: 'medad.train',
  evaluate: 'medad.evaluate',
  showHeatmaps: 'medad.showHeatmaps',
  showRun: 'medad.showRun',
} as const;
export type CommandId = (typeof Commands)[keyof typeof Commands];

/** `initializationOptions` understood by the daemon. */
export interface MedadInitializationOptions {
  /** Commands the client can execute (lens commands outside this list are not emitted). */
  supportedCommands?: string[];
  /** Where runs are written; default `<first workspace folder>/runs`. */
  runDirectory?: string;
  /** Milliseconds of quiet before diagnostics are recomputed. Default 150. */
  diagnosticsDelayMs?: number;
  /** Skip backend initialisation (editor-only use, tests). */
  noBackend?: boolean;
  /** VS Code workspace trust; false: no training and no reading outside the workspace. Default true. */
  trusted?: boolean;
  /** Folders outside the workspace the daemon may read (read-only): the `medad.dataRoots` setting. */
  dataRoots?: string[];
}

/** `workspace/didChangeConfiguration` settings the daemon reads: `{ medad: { dataRoots } }`. */
export interface MedadSettings {
  medad?: { dataRoots?: string[] };
}

// ---- dataset shortcut audit ----------------------------------------------------------------------------------

export interface DatasetAuditParams {
  /** A dataset config, or an experiment config (its dataset is audited). */
  config: FileRef;
  /** Optional work-done token for progress. */
  workDoneToken?: string | number;
}
export interface AuditDescriptorRow {
  descriptor: string;
  kind: 'numeric' | 'categorical';
  /** Numeric: max(AUROC, 1 − AUROC); categorical: AUROC of the out-of-fold category rate. */
  auroc: number;
  direction: 'higher' | 'lower' | 'category';
  ci: [number, number];
  flagged: boolean;
  note?: string;
}
export interface DatasetAuditResult {
  splits: {
    split: string;
    normals: number;
    anomalous: number;
    /** Strongest first. */
    descriptors: AuditDescriptorRow[];
    /** L2 logistic regression on all numeric descriptors, k-fold CV AUROC. */
    combinedCvAuroc?: number;
    /** One line naming the strongest cue. */
    headline: string;
  }[];
  /** Numeric descriptor names, in the order of `images[].values`. */
  descriptors: string[];
  /** Every audited image's numeric descriptor values (null where one does not apply), for sorting a gallery. */
  images: { path: string; split: string; label: 0 | 1; values: (number | null)[] }[];
  /** True when the audit came from the daemon's cache (same items and folder mtimes as before). */
  cached: boolean;
}
export const DatasetAuditRequest = new RequestType<DatasetAuditParams, DatasetAuditResult, void>('medad/datasetAudit');

// ---- the BullMQ job queue (docs/distributed.md): remote jobs and workers, when MEDAD_QUEUE names one ----------

export interface QueueWorkerInfo {
  id: string;
  host: string;
  pid: number;
  backend: string;
  concurrency: number;
  jobs: { id: string; kind: string; label: string; runDir?: string; since: string }[];
  seenAt: string;
}

export interface RemoteJobInfo {
  id: string;
  kind: string;
  label: string;
  state: string;
  /** 0..100 when the worker reported it. */
  percentage?: number;
  message?: string;
}

export interface QueueStatusResult {
  /** False when no queue is configured (everything runs in the daemon): the other fields are empty. */
  configured: boolean;
  url?: string;
  /** Set when the queue is configured but Redis cannot be reached. */
  error?: string;
  workers: QueueWorkerInfo[];
  jobs: RemoteJobInfo[];
}

export interface QueueCancelParams {
  jobId: string;
}

export interface QueueCancelResult {
  result: 'removed' | 'signalled' | 'finished' | 'unknown';
}

export const QueueStatusRequest = new RequestType0<QueueStatusResult, void>('medad/queueStatus');
export const QueueCancelRequest = new RequestType<QueueCancelParams, QueueCancelResult, void>('medad/queueCancel');

// Sweeps (the Runs view's grouping): medad/listSweeps, in its own module (this one stays under 500 lines).
export * from './protocol-sweeps.js';
