import { describe, expect, it } from 'vitest';
import { digestSeries, evenlySpaced, valueForModel } from './series-digest';

describe('evenlySpaced', () => {
  it('keeps everything when there are few enough', () => {
    expect(evenlySpaced([1, 2, 3], 3)).toEqual([1, 2, 3]);
  });

  it('picks evenly by position, the first and the last included', () => {
    expect(evenlySpaced([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3)).toEqual([0, 5, 10]);
    expect(evenlySpaced([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 4)).toEqual([0, 3, 6, 9]);
  });

  it('keeps the latest when only one may stay', () => {
    expect(evenlySpaced([1, 2, 3], 1)).toEqual([3]);
    expect(evenlySpaced([1, 2, 3], 0)).toEqual([]);
  });
});

describe('digestSeries', () => {
  it('summarises every point and shows a few, with ISO times and the float noise rounded off', () => {
    const points: Array<[number, number]> = [0, 60, 120, 180, 240].map((seconds, index) => [1_767_225_600 + seconds, [0.1, 0.30000000000000004, 5, 0.2, 0.4][index]!]);
    expect(digestSeries({ labels: { instance: 'web-1' }, points }, 3)).toEqual({
      labels: { instance: 'web-1' },
      summary: { first: 0.1, last: 0.4, min: 0.1, max: 5, mean: 1.2, samples: 5 },
      points: [
        ['2026-01-01T00:00:00Z', 0.1],
        ['2026-01-01T00:02:00Z', 5],
        ['2026-01-01T00:04:00Z', 0.4],
      ],
    });
  });

  it('has no summary for a series without points', () => {
    expect(digestSeries({ labels: {}, points: [] }, 3)).toEqual({ labels: {}, summary: null, points: [] });
  });
});

describe('valueForModel', () => {
  it('writes what JSON cannot carry as Prometheus does', () => {
    expect([NaN, Infinity, -Infinity, 1 / 3].map(valueForModel)).toEqual(['NaN', '+Inf', '-Inf', 0.3333333333]);
  });
});
