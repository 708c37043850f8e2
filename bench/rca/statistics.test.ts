import { describe, expect, it } from 'vitest';
import { meanAndStandardDeviation, medianAndInterquartileRange, pickEvenlySpread, quantileOfSorted } from './statistics';

describe('quantileOfSorted', () => {
  it('interpolates linearly between neighbours, as numpy.percentile does by default', () => {
    // numpy.percentile([1, 2, 3, 4], [25, 50, 75]) == [1.75, 2.5, 3.25]
    expect(quantileOfSorted([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 12);
    expect(quantileOfSorted([1, 2, 3, 4], 0.5)).toBeCloseTo(2.5, 12);
    expect(quantileOfSorted([1, 2, 3, 4], 0.75)).toBeCloseTo(3.25, 12);
    expect(quantileOfSorted([7], 0.9)).toBe(7);
    expect(quantileOfSorted([], 0.5)).toBeNaN();
  });
});

describe('medianAndInterquartileRange', () => {
  it('sorts its input first', () => {
    // numpy: median 4.5, q75 − q25 = 6.25 − 2.75
    expect(medianAndInterquartileRange([8, 1, 7, 2, 6, 3, 5, 4])).toEqual({ median: 4.5, interquartileRange: 3.5 });
  });
});

describe('meanAndStandardDeviation', () => {
  it('uses the population standard deviation (ddof 0)', () => {
    expect(meanAndStandardDeviation([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ mean: 5, standardDeviation: 2 });
    expect(meanAndStandardDeviation([3, 3, 3])).toEqual({ mean: 3, standardDeviation: 0 });
  });
});

describe('pickEvenlySpread', () => {
  it('takes the middle of equal slices, deterministically', () => {
    expect(pickEvenlySpread([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 5)).toEqual([1, 3, 5, 7, 9]);
    expect(pickEvenlySpread([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 2)).toEqual([2, 7]);
  });

  it('returns everything when asked for more than there is, and nothing for zero', () => {
    expect(pickEvenlySpread(['a', 'b'], 8)).toEqual(['a', 'b']);
    expect(pickEvenlySpread(['a', 'b'], 0)).toEqual([]);
    expect(pickEvenlySpread([], 3)).toEqual([]);
  });
});
