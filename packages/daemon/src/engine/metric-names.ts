// Metric names as the protocol shows them (shared by the editor and worker halves of the engine).

/** AUROC and AP upper-case, the rest as core names them (f1, dice, pixelAuroc...). */
export function displayMetrics(m: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k === 'auroc' || k === 'ap' ? k.toUpperCase() : k, v]));
}
