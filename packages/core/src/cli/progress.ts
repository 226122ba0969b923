// Progress on stderr, so stdout stays clean for `--json`: on a TTY one line rewritten in place (bar, %, ETA,
// loss); elsewhere (CI logs, pipes) a plain line every few seconds so logs stay readable.

export interface ProgressUpdate {
  /** 0..1 */
  fraction: number;
  etaMs?: number;
  loss?: number;
  /** Short text after the numbers, e.g. 'epoch 3/10'. */
  detail?: string;
}

export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function formatProgressLine(label: string, u: ProgressUpdate, barWidth = 24): string {
  const f = Math.min(1, Math.max(0, u.fraction));
  const filled = Math.round(f * barWidth);
  const parts = [`${label} [${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${(f * 100).toFixed(0).padStart(3)}%`];
  if (u.etaMs !== undefined) parts.push(`ETA ${formatDuration(u.etaMs)}`);
  if (u.loss !== undefined && Number.isFinite(u.loss)) parts.push(`loss ${u.loss.toPrecision(4)}`);
  if (u.detail) parts.push(u.detail);
  return parts.join('  ');
}

export class ProgressBar {
  private lastPrint = -Infinity;
  private lastLen = 0;
  private lastUpdate: ProgressUpdate | undefined;

  constructor(
    private readonly label: string,
    private readonly sink: ProgressSink = process.stderr,
    private readonly everyMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  update(u: ProgressUpdate): void {
    this.lastUpdate = u;
    const t = this.now();
    if (this.sink.isTTY) {
      if (t - this.lastPrint < 100) return; // repainting faster than the eye is wasted work
      this.lastPrint = t;
      const line = formatProgressLine(this.label, u);
      this.sink.write(`\r${line}${' '.repeat(Math.max(0, this.lastLen - line.length))}`);
      this.lastLen = line.length;
    } else if (t - this.lastPrint >= this.everyMs) {
      this.lastPrint = t;
      this.sink.write(formatProgressLine(this.label, u) + '\n');
    }
  }

  /** Prints the final state and ends the line. */
  done(detail?: string): void {
    const u = { ...(this.lastUpdate ?? { fraction: 1 }), etaMs: undefined, detail: detail ?? this.lastUpdate?.detail };
    const line = formatProgressLine(this.label, u);
    this.sink.write(this.sink.isTTY ? `\r${line}${' '.repeat(Math.max(0, this.lastLen - line.length))}\n` : line + '\n');
  }
}
