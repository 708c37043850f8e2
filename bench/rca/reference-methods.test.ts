import { describe, expect, it } from 'vitest';
import type { DatasetSeries } from './case';
import { baro, nsigma, randomRanking } from './reference-methods';

// Samples one second apart from t = 0; the anomalous window starts at `splitAt`.
const series = (service: string, values: readonly number[], name = 'latency_seconds'): DatasetSeries => ({
  labels: { __name__: name, service },
  points: values.map((value, index) => [index, value]),
});

describe('nsigma and baro', () => {
  it('rank a service with a step change above one that only wobbles', () => {
    const input = [
      series('web', [5, 6, 5, 4, 5, 6, 5, 4, 5, 6]),
      series('db', [10, 11, 10, 9, 10, 11, 20, 21, 20, 21]),
    ];
    expect(nsigma(input, 6, 9)).toEqual(['db', 'web']);
    expect(baro(input, 6, 9)).toEqual(['db', 'web']);
  });

  it('differ where an outlier in the normal window inflates the standard deviation but not the IQR', () => {
    // `spiky`: normal mean 15, std ≈ 13.23, median 10, IQR 0 (scale 1); anomalous 30.
    //   NSigma 15 / 13.23 ≈ 1.13, BARO 20.
    // `steady`: normal 1..8, mean 4.5, std ≈ 2.29, median 4.5, IQR 3.5; anomalous 12.
    //   NSigma ≈ 3.27, BARO ≈ 2.14.
    const input = [series('spiky', [10, 10, 10, 10, 10, 10, 10, 50, 30]), series('steady', [1, 2, 3, 4, 5, 6, 7, 8, 12])];
    expect(nsigma(input, 8, 8)).toEqual(['steady', 'spiky']);
    expect(baro(input, 8, 8)).toEqual(['spiky', 'steady']);
  });

  it('score a zero-spread baseline with a scale of 1, like scikit-learn', () => {
    // `flat`: deviation 0.5 over scale 1 → 0.5. `unit`: mean and median 1, std ≈ 0.71, IQR 1;
    // deviation 0.6 → NSigma ≈ 0.85, BARO 0.6. A tiny epsilon instead of 1 would put `flat` first.
    const input = [series('flat', [5, 5, 5, 5, 5, 5.5]), series('unit', [0, 0.5, 1, 1.5, 2, 1.6])];
    expect(nsigma(input, 5, 5)).toEqual(['unit', 'flat']);
    expect(baro(input, 5, 5)).toEqual(['unit', 'flat']);
  });

  it('count a drop like a rise', () => {
    const input = [series('rising', [10, 11, 10, 11, 12]), series('falling', [10, 11, 10, 11, 2])];
    expect(nsigma(input, 4, 4)).toEqual(['falling', 'rising']);
    expect(baro(input, 4, 4)).toEqual(['falling', 'rising']);
  });

  it('score a service by its most anomalous series', () => {
    const input = [
      series('api', [1, 2, 1, 2, 1.6], 'cpu'),
      series('api', [1, 2, 1, 2, 9], 'errors'),
      series('cache', [1, 2, 1, 2, 5], 'cpu'),
    ];
    expect(nsigma(input, 4, 4)).toEqual(['api', 'cache']);
  });

  it('ignore NaN and infinite samples, and skip series with too little data on either side', () => {
    const input = [
      series('web', [1, Number.NaN, 2, 1, 2, Number.POSITIVE_INFINITY, 3]),
      // Only one finite normal sample: no baseline.
      series('lonely', [Number.NaN, 7, Number.NaN, Number.NaN, Number.NaN, 100, 100]),
      // No finite anomalous sample: nothing to score.
      series('quiet', [1, 2, 1, 2, 1, Number.NaN, Number.NaN]),
    ];
    expect(nsigma(input, 5, 6)).toEqual(['web']);
    expect(baro(input, 5, 6)).toEqual(['web']);
  });

  it('take the anomalous window as splitAt ≤ t ≤ end', () => {
    // Normal: t < 4 (mean and median 1.5); spikes at t = 4 (= splitAt), t = 5 (= end) and t = 6 (after end).
    // Names are chosen so that a wrong bound shows as a different order, not a lucky tie.
    const input = [
      series('atSplit', [1, 2, 1, 2, 9, 1.5, 1.5]),
      series('atEnd', [1, 2, 1, 2, 1.5, 5, 1.5]),
      series('afterEnd', [1, 2, 1, 2, 1.5, 1.5, 90]),
    ];
    expect(nsigma(input, 4, 5)).toEqual(['atSplit', 'atEnd', 'afterEnd']);
    expect(baro(input, 4, 5)).toEqual(['atSplit', 'atEnd', 'afterEnd']);
  });

  it('break ties by name and leave out series without a service', () => {
    const unlabelled: DatasetSeries = { labels: { __name__: 'up' }, points: [[0, 1], [1, 2], [2, 50]] };
    const input = [series('beta', [1, 2, 3]), series('alpha', [1, 2, 3]), unlabelled];
    expect(nsigma(input, 2, 2)).toEqual(['alpha', 'beta']);
    expect(baro(input, 2, 2)).toEqual(['alpha', 'beta']);
  });
});

describe('randomRanking', () => {
  const services = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];

  it('is a permutation fixed by the seed, whatever order the services come in', () => {
    const ranking = randomRanking(services, 'case-1');
    expect([...ranking].sort()).toEqual(services);
    expect(randomRanking([...services].reverse(), 'case-1')).toEqual(ranking);
  });

  it('changes with the seed', () => {
    const orders = new Set(['case-1', 'case-2', 'case-3', 'case-4'].map((seed) => randomRanking(services, seed).join()));
    expect(orders.size).toBeGreaterThan(1);
  });

  it('puts each service first about equally often over many seeds', () => {
    const firstCounts = new Map<string, number>();
    for (let seed = 0; seed < 5000; seed += 1) {
      const first = randomRanking(services, `seed-${seed}`)[0]!;
      firstCounts.set(first, (firstCounts.get(first) ?? 0) + 1);
    }
    expect(firstCounts.size).toBe(services.length);
    // Expected 500 each; a fair shuffle stays well inside ±30 %.
    for (const count of firstCounts.values()) {
      expect(count).toBeGreaterThan(350);
      expect(count).toBeLessThan(650);
    }
  });

  it('handles no services', () => {
    expect(randomRanking([], 'seed')).toEqual([]);
  });
});
