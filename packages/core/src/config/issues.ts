// What every config check (schema, semantic, leakage) reports: LSP-shaped positions (0-based line and
// character) so the daemon can turn an issue into a diagnostic without re-parsing.

export interface Position {
  line: number;
  character: number;
}

export interface ConfigIssue {
  message: string;
  severity: 'error' | 'warning' | 'info';
  /** The key path in the document, e.g. ['training', 'epochs']; [] for the whole document. */
  path: (string | number)[];
  start: Position;
  end: Position;
  /** Extra places (e.g. the two images of a duplicate pair). */
  related?: { file: string; message: string }[];
  /** Short machine-readable code, e.g. 'schema', 'path-missing', 'leakage'. */
  code?: string;
}
