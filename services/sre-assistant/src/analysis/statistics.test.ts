import { describe, expect, it } from 'vitest';
import { changeScore, windowStatistics } from './statistics';

const window = { start: new Date('2026-03-01T03:00:00Z'), end: new Date('2026-03-01T03:01:00Z') };
const at = (iso: string) => new Date(iso).getTime() / 1000;

describe('windowStatistics', () => {
  it('uses only the samples inside the window, both ends included', () => {
    const points: Array<[number, number]> = [
      [at('2026-03-01T02:59:45Z'), 100],
      [at('2026-03-01T03:00:00Z'), 2],
      [at('2026-03-01T03:00:30Z'), 4],
      [at('2026-03-01T03:01:00Z'), 6],
      [at('2026-03-01T03:01:15Z'), 100],
    ];
    expect(windowStatistics(points, window)).toEqual({
      start: '2026-03-01T03:00:00.000Z',
      end: '2026-03-01T03:01:00.000Z',
      mean: 4,
      stddev: Math.sqrt(8 / 3),
      min: 2,
      max: 6,
      samples: 3,
    });
  });

  it('is null for a window without samples', () => {
    expect(windowStatistics([[at('2026-03-01T04:00:00Z'), 1]], window)).toBeNull();
  });
});

describe('changeScore', () => {
  const stats = (mean: number, stddev: number) => ({ start: '', end: '', mean, stddev, min: mean, max: mean, samples: 10 });

  it('measures the shift of the mean in baseline standard deviations', () => {
    expect(changeScore(stats(10, 2), stats(16, 0))).toBe(3);
    expect(changeScore(stats(10, 2), stats(4, 0))).toBe(3);
  });

  it('floors the noise of a flat baseline at 1 % of the larger magnitude', () => {
    expect(changeScore(stats(100, 0), stats(101, 0))).toBeCloseTo(0.99, 2);
    expect(changeScore(stats(0, 0), stats(5, 0))).toBe(100);
  });

  it('is zero when nothing moved, even at zero', () => {
    expect(changeScore(stats(0, 0), stats(0, 0))).toBe(0);
    expect(changeScore(stats(7, 1), stats(7, 3))).toBe(0);
  });
});
