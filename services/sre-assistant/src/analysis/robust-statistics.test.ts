import { describe, expect, it } from 'vitest';
import { quantile, robustBaseline, signedDeviation } from './robust-statistics';

describe('quantile', () => {
  it('interpolates between neighbours like numpy', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantile([7], 0.9)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe('robustBaseline', () => {
  it('is not moved by a few outliers', () => {
    const calm = Array.from({ length: 60 }, (_, index) => 10 + (index % 5));
    const withIncident = [...calm.slice(0, 55), 900, 950, 1000, 980, 990];
    expect(robustBaseline(withIncident)!.median).toBe(robustBaseline(calm)!.median);
  });

  it('ignores NaN and infinities, and is null without a finite value', () => {
    expect(robustBaseline([1, Number.NaN, 3, Number.POSITIVE_INFINITY])).toMatchObject({ median: 2, samples: 2 });
    expect(robustBaseline([Number.NaN])).toBeNull();
  });
});

describe('signedDeviation', () => {
  const noisy = robustBaseline(Array.from({ length: 100 }, (_, index) => 50 + (index % 10)))!;

  it('counts spreads from the median, negative below it', () => {
    expect(signedDeviation(noisy.median, noisy)).toBe(0);
    expect(signedDeviation(noisy.median - 2 * noisy.iqr, noisy)).toBeCloseTo(-(2 * noisy.iqr) / Math.max(noisy.iqr, noisy.halfSpread), 6);
    expect(signedDeviation(noisy.median + 2 * noisy.iqr, noisy)).toBeCloseTo((2 * noisy.iqr) / Math.max(noisy.iqr, noisy.halfSpread), 6);
  });

  it('stays finite for a constant baseline: 1 % of its level, or 5 % of the new value from zero, is the noise floor', () => {
    const flat = robustBaseline(Array.from({ length: 60 }, () => 100))!;
    expect(signedDeviation(101, flat)).toBeCloseTo(1, 6);
    const zero = robustBaseline(Array.from({ length: 60 }, () => 0))!;
    expect(signedDeviation(5, zero)).toBe(20);
  });

  it('does not find a bursty series surprising when it bursts as usual', () => {
    // Quiet at 1, with a burst to 9 one minute in eight: the IQR is 0, the bursts' reach is not.
    const bursty = robustBaseline(Array.from({ length: 180 }, (_, index) => (index % 8 === 0 ? 9 : 1)))!;
    expect(bursty.iqr).toBe(0);
    expect(signedDeviation(9, bursty)).toBeLessThan(3);
  });
});
