import { describe, expect, it } from 'vitest';
import { DETECTOR_ALIASES, didYouMean, editDistance } from '../../src/config/did-you-mean.js';

describe('didYouMean', () => {
  it('edit distance counts a swap of neighbours as one edit', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('epcohs', 'epochs')).toBe(1);
    expect(editDistance('', 'ab')).toBe(2);
  });
  it('finds keys despite case, separators and small typos; nothing for far words', () => {
    expect(didYouMean('batchsize', ['batchSize', 'epochs', 'seed'])).toEqual(['batchSize']);
    expect(didYouMean('learning_rate', ['learningRate', 'epochs'])).toEqual(['learningRate']);
    expect(didYouMean('epcohs', ['epochs', 'seed'])).toEqual(['epochs']);
    expect(didYouMean('colour', ['layout', 'root', 'masks'])).toEqual([]);
  });
  it('maps the names people use for detectors', () => {
    expect(didYouMean('autoencoder', ['ae', 'vae', 'memae'], DETECTOR_ALIASES)).toEqual(['ae']);
    expect(didYouMean('Autoencoder', ['ae', 'vae'], DETECTOR_ALIASES)).toEqual(['ae']);
    expect(didYouMean('fanogn', ['ae', 'fanogan'], DETECTOR_ALIASES)).toEqual(['fanogan']);
    expect(didYouMean('normal-quantil', ['max-f1', 'youden', 'target-fpr', 'normal-quantile'])).toEqual(['normal-quantile']);
  });
});
