// Validate-on-change: schema problems are published after a short quiet period (debounce); semantic checks
// (file system, image counts) then run in the background, and the leakage check after them, off the
// JSON-RPC thread and cached (engine/leakage-checker.ts). Every edit bumps the document's revision
// and aborts the previous semantic run, so stale results are never published (rust-analyzer's "cancelled").
import type { Connection, Diagnostic, DiagnosticRelatedInformation } from 'vscode-languageserver/node.js';
import { DiagnosticSeverity } from 'vscode-languageserver/node.js';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { pathToFileURL, fileURLToPath } from 'node:url';
import type { AnalysedDocument, ConfigIssue, EditorEngine } from '../engine/types.js';

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information };

export function toDiagnostic(issue: ConfigIssue): Diagnostic {
  const related: DiagnosticRelatedInformation[] | undefined = issue.related?.map((r) => ({
    location: { uri: pathToFileURL(r.file).href, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } },
    message: r.message,
  }));
  return {
    range: { start: issue.start, end: issue.end },
    severity: SEVERITY[issue.severity],
    message: issue.message,
    source: 'medad',
    ...(issue.code ? { code: issue.code } : {}),
    // the key path, for code actions (did-you-mean needs the mapping the key is in)
    data: { path: issue.path },
    ...(related?.length ? { relatedInformation: related } : {}),
  };
}

function sortByPosition(ds: Diagnostic[]): Diagnostic[] {
  return ds.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

export function filePathOf(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

export class DiagnosticsScheduler {
  private readonly revision = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, AbortController>();
  private readonly latest = new Map<string, { version: number; analysed: AnalysedDocument }>();
  private readonly checked = new Set<string>();

  constructor(
    private readonly connection: Connection,
    private readonly engine: EditorEngine,
    private readonly delayMs: () => number,
    /** Called once per opened document, after its first diagnostics are published. */
    private readonly onFirstCheck?: (uri: string) => void,
  ) {}

  /** The last analysis of a document at its current version (parses on demand). */
  analysis(doc: TextDocument): AnalysedDocument {
    const hit = this.latest.get(doc.uri);
    if (hit && hit.version === doc.version) return hit.analysed;
    const analysed = this.engine.analyse(doc.getText(), filePathOf(doc.uri));
    this.latest.set(doc.uri, { version: doc.version, analysed });
    return analysed;
  }

  schedule(doc: TextDocument): void {
    const rev = (this.revision.get(doc.uri) ?? 0) + 1;
    this.revision.set(doc.uri, rev);
    this.running.get(doc.uri)?.abort();
    clearTimeout(this.timers.get(doc.uri));
    this.timers.set(doc.uri, setTimeout(() => void this.run(doc, rev), this.delayMs()));
  }

  forget(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.running.get(uri)?.abort();
    this.revision.set(uri, (this.revision.get(uri) ?? 0) + 1);
    this.latest.delete(uri);
    this.checked.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const c of this.running.values()) c.abort();
  }

  private current(uri: string, rev: number): boolean {
    return this.revision.get(uri) === rev;
  }

  private async run(doc: TextDocument, rev: number): Promise<void> {
    if (!this.current(doc.uri, rev)) return;
    const text = doc.getText();
    let analysed: AnalysedDocument;
    try {
      analysed = this.analysis(doc);
    } catch (err) {
      analysed = { issues: [{ message: `medad could not check this file: ${(err as Error).message}`, severity: 'error', path: [], start: { line: 0, character: 0 }, end: { line: 0, character: 0 }, code: 'internal' }] };
    }
    const base = analysed.issues.map(toDiagnostic);
    await this.connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: base });
    if (!this.checked.has(doc.uri)) {
      this.checked.add(doc.uri);
      this.onFirstCheck?.(doc.uri);
    }
    // a capped schema report (hundreds of problems) is not worth a second pass over the text yet
    const capped = analysed.issues.some((i) => i.code === 'too-many-problems');
    if (analysed.kind && analysed.value === undefined && !capped && this.engine.partialChecks) {
      // schema errors: still check what parses (a missing dataset file, an unknown detector) in the same round
      const parts = await this.engine.partialChecks(analysed.kind, filePathOf(doc.uri), text).catch(() => []);
      const seen = new Set(base.map((d) => `${d.range.start.line}:${d.message}`));
      const extra = parts.map(toDiagnostic).filter((d) => !seen.has(`${d.range.start.line}:${d.message}`));
      if (extra.length && this.current(doc.uri, rev)) await this.connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: sortByPosition([...base, ...extra]) });
    }
    if (!analysed.kind || analysed.value === undefined) return;

    const ctl = new AbortController();
    this.running.set(doc.uri, ctl);
    const fresh = () => this.current(doc.uri, rev) && !ctl.signal.aborted;
    try {
      // Cheap checks first and published at once; the leakage check (every image decoded, in a worker, cached)
      // starts alongside and is published when it ends, unless a newer edit superseded it.
      const leakage = this.engine.leakageChecks(analysed.kind, analysed.value, filePathOf(doc.uri), text, ctl.signal);
      let early: ConfigIssue[] | undefined;
      leakage.then((v) => (early = v), () => undefined);
      const cheap = [...base, ...(await this.engine.semanticChecks(analysed.kind, analysed.value, filePathOf(doc.uri), text, ctl.signal)).map(toDiagnostic)];
      if (!fresh()) return;
      // A cached leakage report is usually back by now: publish once, so its warnings do not blink.
      const send = (diagnostics: Diagnostic[]) => this.connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
      const published = early === undefined;
      if (published) await send(cheap);
      const extra = await leakage;
      if (!fresh() || (published && extra.length === 0)) return;
      await send(sortByPosition([...cheap, ...extra.map(toDiagnostic)]));
    } catch (err) {
      if (!fresh()) return;
      this.connection.console.error(`semantic checks failed for ${doc.uri}: ${(err as Error).stack ?? String(err)}`);
    } finally {
      if (this.running.get(doc.uri) === ctl) this.running.delete(doc.uri);
    }
  }
}
