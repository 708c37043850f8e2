import { describe, expect, it } from 'vitest';
import { seriesNature } from './counters';

const rising = (from: number, start: number, length = 10) => Array.from({ length }, (_, index) => [start + index * 15, from + index * 7] as const);

describe('seriesNature', () => {
  it('takes _total as a counter whatever its samples do', () => {
    expect(seriesNature('http_requests_total', [[0, 5], [15, 3]])).toBe('counter');
  });

  it('takes _count and _sum as counters when they rise at most steps and never go down', () => {
    expect(seriesNature('http_request_duration_seconds_count', [[0, 1], [15, 4], [30, 4], [45, 9]])).toBe('counter');
    expect(seriesNature('pg_stat_activity_count', [[0, 20], [15, 18], [30, 25]])).toBe('gauge');
  });

  it('counts the rises of a series scraped less often than the step by its samples', () => {
    // Every five steps a new, higher sample: one rise per sample.
    const coarse = Array.from({ length: 60 }, (_, index) => [index * 60, 100 + Math.floor(index / 5) * 7] as const);
    expect(seriesNature('http_request_duration_seconds_count', coarse)).toBe('counter');
  });

  it('takes a _count that restarts from zero between steady rises as a counter', () => {
    expect(seriesNature('http_request_duration_seconds_count', [...rising(5_000, 0), ...rising(0, 150)])).toBe('counter');
  });

  it('takes a _count that falls by less than half, or falls about as often as it rises, as a gauge', () => {
    expect(seriesNature('pg_stat_activity_count', [[0, 40], [15, 42], [30, 44], [45, 46], [60, 48], [75, 50], [90, 30]])).toBe('gauge');
    expect(seriesNature('queue_jobs_count', [[0, 40], [15, 2], [30, 40], [45, 2], [60, 40]])).toBe('gauge');
    // A step down with nothing rising around it is a gauge's change, not a restart.
    expect(seriesNature('pool_connections_count', [[0, 40], [15, 40], [30, 10], [45, 10]])).toBe('gauge');
  });

  it('cannot tell a _count that stays flat, or only rose once, and says so', () => {
    const flat = Array.from({ length: 20 }, (_, index) => [index * 15, 5] as const);
    expect(seriesNature('pg_stat_activity_count', flat)).toBe('unclear');
    // Connections piling up in an overload: flat for long, then climbing for a few steps.
    const piling = [...flat, ...rising(5, 300, 5)];
    expect(seriesNature('pg_stat_activity_count', piling)).toBe('unclear');
  });

  it('takes everything else as a gauge', () => {
    expect(seriesNature('node_load1', [[0, 1], [15, 2]])).toBe('gauge');
  });
});
