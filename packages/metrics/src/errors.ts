/** Machine-readable reason for a {@link MetricError}. */
export type MetricErrorCode =
  | 'LENGTH_MISMATCH'
  | 'EMPTY_INPUT'
  | 'NON_FINITE'
  | 'INVALID_LABEL'
  | 'SINGLE_CLASS'
  | 'INVALID_ARGUMENT'
  | 'TOO_LARGE';

/**
 * Thrown for input a metric cannot be computed from. Metrics never return a silently wrong
 * number: they either throw this or return a value whose meaning is documented (e.g. Dice NaN
 * when both masks are empty).
 */
export class MetricError extends Error {
  readonly code: MetricErrorCode;
  constructor(code: MetricErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'MetricError';
    this.code = code;
  }
}
