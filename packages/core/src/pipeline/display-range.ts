// The one display range of a run's anomaly maps, shared by report.html and the editor's heatmaps (through
// metrics.json `display`): colours span [low, the 99.9th percentile of validation-normal map pixels], so normal
// tissue sits low on the scale and anything hotter than nearly every normal pixel saturates. The run's absolute
// maximum (mapRange) is one hot pixel somewhere: scaling by it washes every map out to the bottom colour.
import { PIXEL_THRESHOLD_QUANTILE, pixelQuantile } from './pixel-metrics.js';

/** Quantile of validation-normal map pixels that maps to the top colour. */
export const DISPLAY_QUANTILE = 0.999;

export interface MapDisplay {
  /** [low, high] in map units: the colour scale's ends (values above saturate). */
  range: [number, number];
  /** How `range[1]` was chosen, in words. */
  rule: string;
  /** The pixel threshold (PIXEL_THRESHOLD_QUANTILE of validation-normal pixels): the heatmap's default threshold. */
  pixelThreshold: number;
  pixelThresholdRule: string;
}

/**
 * The display range from validation-normal maps (test maps only when validation has no normals; never used to
 * choose anything, only to scale colours). `mapRange` is the run's full range; its low end is kept.
 */
export function mapDisplay(validationNormalMaps: Float32Array[], testMaps: Float32Array[], mapRange: [number, number]): MapDisplay {
  const fromVal = validationNormalMaps.some((m) => m.length > 0);
  const maps = fromVal ? validationNormalMaps : testMaps;
  const top = pixelQuantile(maps, DISPLAY_QUANTILE);
  const low = mapRange[0];
  const range: [number, number] = [low, Number.isFinite(top) && top > low ? top : mapRange[1] > low ? mapRange[1] : low + 1];
  const t = pixelQuantile(maps, PIXEL_THRESHOLD_QUANTILE);
  const source = fromVal ? 'validation-normal' : 'test (no validation normals)';
  return {
    range,
    rule: `${DISPLAY_QUANTILE} quantile of ${source} map pixels`,
    pixelThreshold: Number.isFinite(t) ? t : range[1],
    pixelThresholdRule: `${PIXEL_THRESHOLD_QUANTILE} quantile of ${source} map pixels`,
  };
}
