// Builds the report's data from an evaluation: curves, score groups and the most / least anomalous test images
// rendered as overlays with the fixed map range.
import { prCurve, rocCurve } from '@medad/metrics';
import { colorbarPng, grayPng, overlayPng } from '../report/overlay.js';
import type { ReportData, ReportExample } from '../report/html.js';
import { displayImage, type SplitImage } from './images.js';

export interface ExampleSource {
  images: SplitImage[];
  data: Float32Array;
  scores: Float32Array;
  maps: Float32Array[];
  masks: (Uint8Array | undefined)[];
  size: [number, number];
  range: [number, number];
}

async function example(src: ExampleSource, i: number): Promise<ReportExample> {
  const [h, w] = src.size;
  const px = h * w;
  const image = displayImage(src.data.subarray(i * px, (i + 1) * px));
  const scale = Math.max(1, Math.ceil(128 / Math.max(h, w)));
  const mask = src.masks[i];
  const hasMask = mask !== undefined && mask.some((v) => v > 0);
  const im = src.images[i];
  return {
    name: im.id,
    className: im.item.className,
    label: im.item.label,
    score: src.scores[i],
    imagePng: await grayPng(w, h, image, scale),
    overlayPng: await overlayPng({ width: w, height: h, image, map: src.maps[i], range: src.range, mask: hasMask ? mask : undefined, scale }),
    hasMask,
  };
}

/** Indices of the k highest and k lowest scores. */
export function extremes(scores: ArrayLike<number>, k: number): { most: number[]; least: number[] } {
  const order = Array.from(scores, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  return { most: order.slice(0, k), least: order.slice(-k).reverse() };
}

export async function buildExamples(src: ExampleSource, k = 6): Promise<Pick<ReportData, 'most' | 'least' | 'colorbarPng'>> {
  const { most, least } = extremes(src.scores, Math.min(k, Math.floor(src.scores.length / 2) || src.scores.length));
  return {
    most: await Promise.all(most.map((i) => example(src, i))),
    least: await Promise.all(least.map((i) => example(src, i))),
    colorbarPng: await colorbarPng(),
  };
}

/** ROC and PR curves, or empty curves when the test split has a single class. */
export function curves(scores: ArrayLike<number>, labels: ArrayLike<number>): Pick<ReportData, 'roc' | 'pr'> {
  const pos = Array.from(labels).filter((l) => l === 1).length;
  if (pos === 0 || pos === labels.length) return { roc: { fpr: [], tpr: [] }, pr: { precision: [], recall: [] } };
  const roc = rocCurve(scores, labels);
  const pr = prCurve(scores, labels);
  return { roc: { fpr: roc.fpr, tpr: roc.tpr }, pr: { precision: pr.precision, recall: pr.recall } };
}
