import { describe, expect, it } from 'vitest';
import { confidencesOf } from './confidence';

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

describe('confidencesOf', () => {
  it('is near certain for a lone strong candidate and doubtful for a lone weak one', () => {
    // Share × strength 0.86 and score 10: logistic(−4.81 + 1.1 × logit(0.86) + 3.03 × ln 11) = 0.989.
    expect(confidencesOf([10])).toEqual([0.98]);
    // Share × strength 0.33 and score 2: 0.09, far below the raw 0.33.
    expect(confidencesOf([2])).toEqual([0.09]);
  });

  it('splits the certainty between strong candidates that come close', () => {
    expect(confidencesOf([12, 2, 1])).toEqual([0.98, 0, 0]);
    expect(confidencesOf([12, 11, 10, 3])).toEqual([0.35, 0.33, 0.3, 0]);
  });

  it('keeps the scores’ order and never adds up to more than one', () => {
    for (const scores of [[12, 11, 10, 3], [6, 5.9, 5.8, 5.7, 5.6], [40, 1], [0.5, 0.4], [30, 30, 30]]) {
      const confidences = confidencesOf(scores);
      expect(confidences).toHaveLength(scores.length);
      expect([...confidences].sort((a, b) => b - a)).toEqual(confidences);
      expect(sum(confidences)).toBeLessThanOrEqual(1);
    }
  });

  it('gives nothing when nothing changed', () => {
    expect(confidencesOf([])).toEqual([]);
    expect(confidencesOf([0, 0])).toEqual([0, 0]);
  });
});
